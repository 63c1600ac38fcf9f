import { isatty } from "node:tty";
import { defineCommand } from "citty";
import { UsageError } from "../../errors";
import { log } from "../../log";
import { destroy } from "../../vm/destroy";
import { connectArg, globalArgs, yesArg } from "../args";
import { loadFromArgs } from "../vm-args";

export default defineCommand({
  meta: {
    name: "destroy",
    description: "Delete the VM: domain, disks, seed and host state (the image cache stays)",
  },
  args: {
    ...globalArgs,
    ...connectArg,
    ...yesArg,
  },
  async run({ args }) {
    const loaded = await loadFromArgs(args);
    if (!args.yes) {
      if (!(isatty(0) && isatty(2))) {
        throw new UsageError(`refusing to destroy VM ${loaded.name} without confirmation`, {
          hint: "pass --yes (there is no terminal to ask on)",
        });
      }
      const ok = await log.prompt(`Destroy VM ${loaded.name} and all its disks?`, {
        type: "confirm",
        initial: false,
      });
      if (ok !== true) return 1;
    }
    const r = await destroy(loaded, { connect: args.connect });
    const what = [
      r.domainRemoved ? "domain" : null,
      r.volumes.length ? `${r.volumes.length} volume(s)` : null,
    ].filter(Boolean);
    log.success(
      `VM ${loaded.name} destroyed${what.length ? ` (${what.join(", ")} removed)` : " (nothing was left)"}`,
    );
    return 0;
  },
});
