/** Attaching the serial console (`virsh console`) to the user's terminal. */
import { isatty } from "node:tty";
import { log } from "../log";
import type { Vm } from "./context";

/**
 * virsh tries polkit's terminal agent before it connects and, where polkit
 * is not running, says so ("Authorization not available. Check if polkit
 * service is running…") even though the connection then works: noise on the
 * way into the console, so that line (and only that line) is dropped.
 */
const POLKIT_NOISE = /Authorization not available|polkit service/i;

export function canAttachConsole(): boolean {
  return Boolean(isatty(0) && isatty(1));
}

export async function attachConsole(vm: Vm): Promise<number> {
  log.info("attaching the serial console; detach with Ctrl-] (the VM keeps running)");
  const child = Bun.spawn(["virsh", "-c", vm.virsh.uri, "console", vm.domain], {
    stdin: "inherit",
    stdout: "inherit",
    stderr: "pipe",
  });
  const decoder = new TextDecoder();
  let pending = "";
  for await (const chunk of child.stderr) {
    pending += decoder.decode(chunk, { stream: true });
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) if (!POLKIT_NOISE.test(line)) process.stderr.write(`${line}\n`);
  }
  if (pending && !POLKIT_NOISE.test(pending)) process.stderr.write(pending);
  return child.exited;
}
