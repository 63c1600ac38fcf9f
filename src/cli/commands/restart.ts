import { defineCommand } from "citty";
import { phase } from "../../events";
import { log } from "../../log";
import { down } from "../../vm/down";
import { loadAsPhase, startUpEvents } from "../up-events";
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
    if (args.json) startUpEvents();
    const loaded = await loadAsPhase(args);
    const outcome = await phase(
      "down",
      () => down(loaded, { timeoutS: DOWN_TIMEOUT_S, connect: args.connect }),
      (o) => ({ outcome: o }),
    );
    log.success(`VM ${loaded.name} ${SAID[outcome]}`);
    return runUp(loaded, args);
  },
});
