import { defineCommand } from "citty";
import { UsageError } from "../../errors";
import { log } from "../../log";
import { down } from "../../vm/down";
import { connectArg, globalArgs } from "../args";
import { loadAndRecord } from "../vm-args";

/** What `rum down` and `rum restart` say happened. */
export const SAID = {
  absent: "does not exist; nothing to stop",
  "already-off": "is already shut off",
  acpi: "powered off (ACPI shutdown)",
  forced: "was forced off",
} as const;

export default defineCommand({
  meta: { name: "down", description: "Shut the VM down (ACPI, forced off after a timeout)" },
  args: {
    ...globalArgs,
    ...connectArg,
    timeout: {
      type: "string",
      description: "Seconds to wait for ACPI shutdown (default 30)",
      valueHint: "S",
    },
    force: { type: "boolean", description: "Power off at once, without ACPI" },
  },
  async run({ args }) {
    const timeoutS = args.timeout === undefined ? 30 : Number(args.timeout);
    if (!Number.isFinite(timeoutS) || timeoutS < 0) {
      throw new UsageError(`--timeout must be a number of seconds, not "${args.timeout}"`, {
        hint: "e.g. --timeout 60",
      });
    }
    const loaded = await loadAndRecord(args);
    const outcome = await down(loaded, { timeoutS, force: args.force, connect: args.connect });
    log.success(`VM ${loaded.name} ${SAID[outcome]}`);
    return 0;
  },
});
