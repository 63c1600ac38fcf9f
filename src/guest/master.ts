/**
 * The shared ssh master connection of one guest (ControlMaster=auto starts it on the
 * first call; ControlPersist keeps it). `rum down`/`destroy` stop it so no ssh process
 * outlives the VM or keeps its state directory busy.
 */
import { existsSync } from "node:fs";
import { createConnection } from "node:net";
import { run } from "../host/proc";
import { type SshTarget, sshDestination, sshPathValue } from "./ssh-target";

/**
 * Control commands always use OpenSSH's own client: the socket speaks its mux protocol,
 * whatever `[ssh] command` wrapper opened the connection.
 */
export function controlArgv(target: SshTarget, op: "check" | "exit"): string[] {
  return [
    "ssh",
    "-o",
    `ControlPath=${sshPathValue(target.controlPath)}`,
    "-o",
    "BatchMode=yes",
    "-O",
    op,
    sshDestination(target),
  ];
}

/**
 * Whether a master listens on the target's ControlPath. A connect answers it
 * without an ssh process (`ssh -O check` costs a process start, a third of a
 * warm `rum status`): a live master accepts, a stale socket file refuses.
 */
export function isMasterRunning(
  target: Pick<SshTarget, "controlPath">,
  timeoutMs = 2000,
): Promise<boolean> {
  if (!existsSync(target.controlPath)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const socket = createConnection(target.controlPath);
    const done = (alive: boolean) => {
      socket.destroy();
      resolve(alive);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/**
 * Ask the master to exit (closing its sessions) and wait until its socket is gone.
 * Returns whether a master was running.
 */
export async function stopMaster(target: SshTarget, waitMs = 3000): Promise<boolean> {
  if (!(await isMasterRunning(target))) return false;
  await run(controlArgv(target, "exit"), { allowFailure: true, timeoutMs: 5000 });
  const deadline = Date.now() + waitMs;
  while (existsSync(target.controlPath) && Date.now() < deadline) await Bun.sleep(20);
  return true;
}
