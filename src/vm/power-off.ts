/**
 * Waiting for a guest to power off after an ACPI shutdown, in one virsh
 * process: `domstate`, then `event --timeout 1` (which returns at the
 * domain's next lifecycle event, or after a second), then `domstate` again,
 * and so on. The guest's power-off wakes the wait at once, so it is noticed
 * as fast as a tight `domstate` loop would, without a libvirt connection per
 * poll. A power-off just before the event wait is registered costs at most
 * that wait (a second, longer only for timeouts over 200 s: the whole script
 * is one argv element, which Linux caps at 128 KiB).
 */
import { ProcessError, run } from "../host/proc";
import { virshScript } from "../host/virsh-batch";
import type { Vm } from "./context";

/** libvirt's "no such domain": it was undefined (a transient domain ends so). */
const GONE = /failed to get domain|Domain not found/i;

const MAX_POLLS = 200;

/** Whether the domain was off (or gone) within timeoutMs. */
export async function waitForPowerOff(vm: Vm, timeoutMs: number): Promise<boolean> {
  const waitS = Math.max(1, Math.ceil(timeoutMs / 1000 / MAX_POLLS));
  const polls = Math.max(1, Math.ceil(timeoutMs / 1000 / waitS));
  const commands = [["domstate", vm.domain]];
  for (let i = 0; i < polls; i++) {
    commands.push([
      "event",
      "--domain",
      vm.domain,
      "--event",
      "lifecycle",
      "--timeout",
      `${waitS}`,
    ]);
    commands.push(["domstate", vm.domain]);
  }
  const stop = new AbortController();
  let off = false;
  const seen = () => {
    off = true;
    stop.abort();
  };
  const argv = ["virsh", "-q", "-c", vm.virsh.uri, virshScript(commands)];
  const result = await run(argv, {
    allowFailure: true,
    timeoutMs,
    signal: stop.signal,
    // domstate's answer is a line of its own; event's lines never read "shut off".
    onLine: (line) => {
      if (line.trim() === "shut off") seen();
    },
    onErrLine: (line) => {
      if (GONE.test(line)) seen();
    },
  });
  // Ended early without an answer: libvirt went away (explained as any virsh failure).
  if (!off && !result.timedOut && result.exitCode !== 0) {
    throw vm.virsh.explain(new ProcessError(result));
  }
  return off;
}
