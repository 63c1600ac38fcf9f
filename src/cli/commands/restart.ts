import { defineCommand } from "citty";
import { log } from "../../log";
import { down } from "../../vm/down";
import { loadAndRecord } from "../vm-args";
import { SAID } from "./down";
import { runUp, upArgs } from "./up";

/** Seconds the ACPI shutdown may take before the VM is forced off, as `rum down`'s default. */
const DOWN_TIMEOUT_S = 30;

export default defineCommand({
  meta: {
    name: "restart",
    description: "Shut the VM down, then boot it again (rum down + rum up; takes up's flags)",
  },
  args: upArgs,
  async run({ args }) {
    // Loaded once: a config that fails to load stops the restart before the VM goes down.
    const loaded = await loadAndRecord(args);
    const outcome = await down(loaded, { timeoutS: DOWN_TIMEOUT_S, connect: args.connect });
    log.success(`VM ${loaded.name} ${SAID[outcome]}`);
    return runUp(loaded, args);
  },
});
