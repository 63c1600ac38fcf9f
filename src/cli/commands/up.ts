import { defineCommand } from "citty";
import type { LoadedConfig } from "../../config/load";
import { createProgressRenderer } from "../../image/progress";
import { log } from "../../log";
import { attachConsole, canAttachConsole } from "../../vm/console";
import { openVm } from "../../vm/context";
import { up } from "../../vm/up";
import { connectArg, globalArgs } from "../args";
import { emitResult, loadAsPhase, startUpEvents } from "../up-events";

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
  json: {
    type: "boolean",
    description: "Print each phase's start and end, then the result, as JSON Lines on stdout",
  },
} as const;

type UpArgs = {
  quiet?: boolean;
  reset?: boolean;
  detach?: boolean;
  wait?: boolean;
  connect?: string;
  json?: boolean;
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
  // With --json stdout is the event stream: no console on it.
  if (args.json) emitResult(loaded, result);
  else if (!args.detach && canAttachConsole()) return attachConsole(openVm(loaded, args.connect));
  if (result.unchanged) log.info(`nothing to do: ${loaded.name} is running with this config`);
  return 0;
}

export default defineCommand({
  meta: { name: "up", description: "Create, boot and wait for the VM (idempotent)" },
  args: upArgs,
  async run({ args }) {
    if (args.json) startUpEvents();
    return runUp(await loadAsPhase(args), args);
  },
});
