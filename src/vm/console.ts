/** Attaching the serial console (`virsh console`) to the user's terminal. */
import { isatty } from "node:tty";
import { log } from "../log";
import type { Vm } from "./context";

export function canAttachConsole(): boolean {
  return Boolean(isatty(0) && isatty(1));
}

export async function attachConsole(vm: Vm): Promise<number> {
  log.info("attaching the serial console; detach with Ctrl-] (the VM keeps running)");
  const child = Bun.spawn(["virsh", "-c", vm.virsh.uri, "console", vm.domain], {
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  });
  return child.exited;
}
