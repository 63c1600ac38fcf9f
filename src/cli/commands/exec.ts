import { defineCommand } from "citty";
import { UsageError } from "../../errors";
import { inDirectory } from "../../guest/in-directory";
import { requireTarget } from "../../guest/session";
import { sshArgv } from "../../guest/ssh-argv";
import { isatty } from "../../util/tty";
import { openVm } from "../../vm/context";
import { connectArg, globalArgs } from "../args";
import { afterDashDash } from "../passthrough";
import { loadFromArgs } from "../vm-args";

export default defineCommand({
  meta: { name: "exec", description: "Run a command in the guest; its exit code is the command's" },
  args: { ...globalArgs, ...connectArg },
  async run({ args, rawArgs }) {
    const command = afterDashDash(rawArgs);
    if (command.length === 0) {
      throw new UsageError("rum exec needs a command to run", {
        hint: "e.g. rum exec -- uname -a",
      });
    }
    const vm = openVm(await loadFromArgs(args), args.connect);
    const target = await requireTarget(vm);
    // The default mount is the working directory, as for login shells.
    const dir = vm.loaded.config.mounts.find((m) => m.default)?.target;
    const inDir = inDirectory(dir, command);
    const tty = Boolean(isatty(0) && isatty(1));
    const argv = sshArgv({ ...target, sshCommand: "ssh" }, { command: inDir, tty, batch: true });
    const child = Bun.spawn(argv, { stdin: "inherit", stdout: "inherit", stderr: "inherit" });
    return child.exited;
  },
});
