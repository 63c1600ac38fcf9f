import { defineCommand } from "citty";
import { createProgressRenderer } from "../../image/progress";
import { log } from "../../log";
import { attachConsole, canAttachConsole } from "../../vm/console";
import { openVm } from "../../vm/context";
import { up } from "../../vm/up";
import { connectArg, globalArgs } from "../args";
import { loadAndRecord } from "../vm-args";

export default defineCommand({
  meta: { name: "up", description: "Create, boot and wait for the VM (idempotent)" },
  args: {
    ...globalArgs,
    ...connectArg,
    reset: { type: "boolean", description: "Wipe the VM's disks and seed for a fresh first boot" },
    detach: { type: "boolean", alias: "d", description: "Do not attach the serial console" },
    // citty reads --no-wait as wait=false; help and completions show only --no-wait.
    wait: {
      type: "boolean",
      default: true,
      description:
        "Return once the domain runs, without waiting for SSH, cloud-init and provisioning",
    },
  },
  async run({ args }) {
    const loaded = await loadAndRecord(args);
    const result = await up(loaded, {
      reset: args.reset,
      noWait: args.wait === false,
      connect: args.connect,
      ...(args.quiet
        ? {}
        : {
            progress: createProgressRenderer({
              label: loaded.config.image.base,
              note: (m) => log.info(m),
            }),
          }),
    });
    if (!args.detach && canAttachConsole()) return attachConsole(openVm(loaded, args.connect));
    if (result.unchanged) log.info(`nothing to do: ${loaded.name} is running with this config`);
    return 0;
  },
});
