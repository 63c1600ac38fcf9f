import { isatty } from "node:tty";
import { defineCommand } from "citty";
import { requireTarget } from "../../guest/session";
import { sshArgv } from "../../guest/ssh-argv";
import { openVm } from "../../vm/context";
import { connectArg, globalArgs } from "../args";
import { afterDashDash } from "../passthrough";
import { loadFromArgs } from "../vm-args";

export default defineCommand({
  meta: {
    name: "ssh",
    description: "Open an SSH session in the guest, or run ssh with extra arguments",
  },
  args: { ...globalArgs, ...connectArg },
  async run({ args, rawArgs }) {
    const vm = openVm(await loadFromArgs(args), args.connect);
    const target = await requireTarget(vm);
    const extra = afterDashDash(rawArgs);
    const tty = extra.length === 0 && Boolean(isatty(0) && isatty(1));
    const child = Bun.spawn(sshArgv(target, { extra, tty }), {
      stdin: "inherit",
      stdout: "inherit",
      stderr: "inherit",
    });
    return child.exited;
  },
});
