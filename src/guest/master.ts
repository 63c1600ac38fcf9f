/**
 * The shared ssh master connection of one guest (ControlMaster=auto starts it on the
 * first call; ControlPersist keeps it). `rum down`/`destroy` stop it so no ssh process
 * outlives the VM or keeps its state directory busy.
 */
import { existsSync } from "node:fs";
import { run } from "../host/proc";
import { type SshTarget, sshDestination, sshPathValue } from "./ssh-target";

/**
 * Control commands always use OpenSSH's own client: the socket speaks its mux protocol,
 * whatever `[ssh] command` wrapper opened the connection.
 */
function controlArgv(target: SshTarget, op: "check" | "exit"): string[] {
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

/** The pid of the master listening on the target's ControlPath, or null when none is. */
export async function masterPid(target: SshTarget): Promise<number | null> {
  if (!existsSync(target.controlPath)) return null;
  const result = await run(controlArgv(target, "check"), { allowFailure: true, timeoutMs: 5000 });
  if (result.exitCode !== 0) return null;
  // "Master running (pid=1234)"
  const pid = /\(pid=(\d+)\)/.exec(result.stderr)?.[1];
  return pid ? Number(pid) : null;
}

export async function isMasterRunning(target: SshTarget): Promise<boolean> {
  return (await masterPid(target)) !== null;
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
