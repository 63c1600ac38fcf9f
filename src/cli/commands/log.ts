import { existsSync } from "node:fs";
import { defineCommand } from "citty";
import { RumError } from "../../errors";
import { requireTarget } from "../../guest/session";
import { sshArgv } from "../../guest/ssh-argv";
import { PROVISION_PATHS } from "../../seed/cloudinit/guest-paths";
import { followConsoleLog, readConsoleLog } from "../../vm/console-log";
import { openVm, type Vm } from "../../vm/context";
import { provisioningLogs, rumLogPath } from "../../vm/logs";
import { connectArg, globalArgs } from "../args";
import { printData, writeData } from "../output";
import { loadFromArgs } from "../vm-args";

async function follow(argv: string[]): Promise<number> {
  return Bun.spawn(argv, { stdin: "ignore", stdout: "inherit", stderr: "inherit" }).exited;
}

async function showProvisioning(vm: Vm, failedOnly: boolean): Promise<void> {
  for (const l of await provisioningLogs(vm)) {
    if (failedOnly && (l.exitCode === 0 || l.exitCode === null)) continue;
    printData(`==> ${l.kind} provisioning (${l.path}, exit ${l.exitCode ?? "not finished"}) <==`);
    printData(l.text);
  }
}

export default defineCommand({
  meta: {
    name: "log",
    description: "Show the serial console, provisioning logs, or rum's own log",
  },
  args: {
    ...globalArgs,
    ...connectArg,
    console: { type: "boolean", description: "The serial console output" },
    failed: { type: "boolean", description: "Only provisioning logs of scripts that failed" },
    all: { type: "boolean", description: "Console, provisioning and rum's own log" },
    rum: { type: "boolean", description: "rum's own log of commands run on this VM" },
    follow: { type: "boolean", alias: "f", description: "Keep printing new lines" },
  },
  async run({ args }) {
    const vm = openVm(await loadFromArgs(args), args.connect);
    if (args.follow) {
      if (args.console) return followConsoleLog(vm, writeData);
      if (args.rum) return follow(["tail", "-n", "+1", "-F", rumLogPath(vm)]);
      const logs = (["system", "boot"] as const)
        .filter((k) => vm.loaded.config.provision[k])
        .map((k) => PROVISION_PATHS[k].log);
      if (logs.length === 0)
        throw new RumError("rum.toml has no provisioning scripts to follow", {
          exitCode: 2,
          hint: "use --console or --rum",
        });
      return follow(
        sshArgv(
          { ...(await requireTarget(vm)), sshCommand: "ssh" },
          {
            command: ["sudo", "tail", "-n", "+1", "-F", ...logs],
            batch: true,
          },
        ),
      );
    }
    if (args.console || args.all) writeData(await readConsoleLog(vm));
    if (args.rum || args.all) {
      const path = rumLogPath(vm);
      printData(
        existsSync(path)
          ? await Bun.file(path).text()
          : "(rum has not logged anything for this VM yet)",
      );
    }
    if (args.all || args.failed || !(args.console || args.rum))
      await showProvisioning(vm, Boolean(args.failed));
    return 0;
  },
});
