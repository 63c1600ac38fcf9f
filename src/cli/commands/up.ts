import { defineCommand } from "citty";
import type { LoadedConfig } from "../../config/load";
import { createProgressRenderer } from "../../image/progress";
import { log } from "../../log";
import { attachConsole, canAttachConsole } from "../../vm/console";
import { openVm } from "../../vm/context";
import { up } from "../../vm/up";
import { connectArg, globalArgs } from "../args";
import { loadAndRecord } from "../vm-args";

/** up's flags; `rum restart` takes the same. */
export const upArgs = {
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
} as const;

type UpArgs = {
  quiet?: boolean;
  reset?: boolean;
  detach?: boolean;
  wait?: boolean;
  connect?: string;
};

/** `rum up` on a loaded config: boot, wait, then the console on a TTY without -d. */
export async function runUp(loaded: LoadedConfig, args: UpArgs): Promise<number> {
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
}

export default defineCommand({
  meta: { name: "up", description: "Create, boot and wait for the VM (idempotent)" },
  args: upArgs,
  async run({ args }) {
    return runUp(await loadAndRecord(args), args);
  },
});
