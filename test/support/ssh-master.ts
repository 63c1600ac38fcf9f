/**
 * The pid of the ssh master on a target's ControlPath, from OpenSSH's own
 * `-O check` ("Master running (pid=1234)"): tests use it to tell one master
 * from another, which rum itself never needs.
 */
import { controlArgv } from "../../src/guest/master";
import type { SshTarget } from "../../src/guest/ssh-target";

export async function masterPid(target: SshTarget): Promise<number | null> {
  const child = Bun.spawn(controlArgv(target, "check"), { stdout: "ignore", stderr: "pipe" });
  const err = await new Response(child.stderr).text();
  if ((await child.exited) !== 0) return null;
  const pid = /\(pid=(\d+)\)/.exec(err)?.[1];
  return pid ? Number(pid) : null;
}
