/**
 * The forwarder process as /proc shows it. A PID alone proves nothing once the
 * process is gone (PIDs are recycled), so a process counts as the forwarder only
 * while its command line is exactly the one rum started.
 */
import { readdir, readFile, readlink } from "node:fs/promises";

/** Whether `pid` is alive and runs exactly `argv` (a zombie has an empty command line). */
export async function runsArgv(pid: number, argv: readonly string[]): Promise<boolean> {
  const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
  const args = cmdline.split("\0");
  if (args.at(-1) === "") args.pop();
  return args.length === argv.length && args.every((a, i) => a === argv[i]);
}

/** TCP ports `pid` listens on: its socket inodes matched against /proc/net/tcp{,6}. */
export async function listeningPorts(pid: number): Promise<Set<number>> {
  const inodes = new Set<string>();
  const fds = await readdir(`/proc/${pid}/fd`).catch(() => []);
  for (const fd of fds) {
    const link = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => "");
    const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
    if (inode) inodes.add(inode);
  }
  const ports = new Set<number>();
  if (inodes.size === 0) return ports;
  for (const table of ["tcp", "tcp6"]) {
    const text = await readFile(`/proc/${pid}/net/${table}`, "utf8").catch(() => "");
    for (const line of text.split("\n").slice(1)) {
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
      const cols = line.trim().split(/\s+/);
      const [local, state, inode] = [cols[1], cols[3], cols[9]];
      if (state === LISTEN && local && inode && inodes.has(inode)) {
        ports.add(Number.parseInt(local.slice(local.lastIndexOf(":") + 1), 16));
      }
    }
  }
  return ports;
}

const LISTEN = "0A";

/**
 * SIGTERM the forwarder's process group (it leads its own session, and a jump host's
 * ssh, ProxyJump or ProxyCommand, runs in it), SIGKILL what is left after `graceMs`.
 * Returns whether the forwarder was running.
 */
export async function stopProcess(
  pid: number,
  argv: readonly string[],
  graceMs = 2000,
): Promise<boolean> {
  if (!(await runsArgv(pid, argv))) return false;
  signalGroup(pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!(await runsArgv(pid, argv))) return true;
    await Bun.sleep(25);
  }
  signalGroup(pid, "SIGKILL");
  const killDeadline = Date.now() + graceMs;
  while (Date.now() < killDeadline && (await runsArgv(pid, argv))) await Bun.sleep(25);
  return true;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, signal);
    } catch {
      // already gone (or not a group leader: the PID itself was signalled too)
    }
  }
}
