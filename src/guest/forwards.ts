/**
 * `[[ports]]`: host→guest TCP forwards, alive while the VM runs. One detached
 * `ssh -N -L …` per VM (see forward-argv.ts) outlives the rum command that
 * started it; forwards.json remembers it so later commands find, keep, replace
 * or stop it.
 */
import { closeSync } from "node:fs";
import type { Subprocess } from "bun";
import { forwarderArgv, forwarderHash, type PortForward } from "./forward-argv";
import { forwardFailure, logSince, openForwardsLog } from "./forward-log";
import { listeningPorts, runsArgv, stopProcess } from "./forward-proc";
import {
  type ForwarderRecord,
  forwardsLogPath,
  readRecord,
  removeRecord,
  writeRecord,
} from "./forward-record";
import type { SshTarget } from "./ssh-target";

export type { PortForward } from "./forward-argv";
export { checkPortsFree } from "./forward-ports";

export interface ForwardStatus {
  running: boolean;
  pid?: number;
  /** `config`: a `[[ports]]` entry; `auto`: a guest listener (`[network] auto_forward`). */
  ports: (PortForward & { listening: boolean; source: "config" | "auto"; note?: string })[];
  /** The forwarder's log. */
  log: string;
}

export interface EnsureForwardsOptions {
  stateDir: string;
  target: SshTarget;
  ports: readonly PortForward[];
  /**
   * Replace even a matching forwarder: after the VM (re)booted, one started before may
   * still listen while its connection to the old guest is dead.
   */
  restart?: boolean;
  /** How long ssh may take to listen on every port. */
  timeoutMs?: number;
}

const POLL_MS = 100;
const START_TIMEOUT_MS = 15_000;

/**
 * Make the VM's forwarder run with exactly these ports (idempotent): a live forwarder
 * with the same command line is kept; a different or dead one is replaced; no ports
 * stops it. Resolves once ssh listens on every host port; throws a RumError naming
 * the port (with ssh's log) when it cannot.
 */
export async function ensureForwards(
  opts: EnsureForwardsOptions,
): Promise<ForwardStatus & { started: boolean }> {
  const { stateDir, ports } = opts;
  if (ports.length === 0) {
    await stopForwards(stateDir);
    return { ...(await forwardStatus(stateDir)), started: false };
  }
  const argv = forwarderArgv(opts.target, ports);
  const hash = forwarderHash(argv);
  const current = await readRecord(stateDir);
  if (!opts.restart && current?.hash === hash && (await allListening(current))) {
    return { ...(await forwardStatus(stateDir)), started: false };
  }
  await stopForwards(stateDir);

  const logPath = forwardsLogPath(stateDir);
  const { fd, offset } = await openForwardsLog(logPath, ports);
  let child: Subprocess;
  try {
    // Not proc.ts's run(): this process must outlive rum. `detached` is setsid(), so
    // neither Ctrl-C in rum's terminal nor its hangup reaches the forwarder.
    child = Bun.spawn(argv, { detached: true, stdin: "ignore", stdout: fd, stderr: fd });
  } finally {
    closeSync(fd);
  }
  child.unref();
  const { pid } = child;
  // Watched through the child, not /proc: until ssh is exec'd, its cmdline is still rum's.
  let exited = false;
  void child.exited.then(() => {
    exited = true;
  });
  const record: ForwarderRecord = {
    pid,
    argv,
    hash,
    ports: ports.map(({ host, guest, bind }) => ({ host, guest, bind })),
    startedAt: new Date().toISOString(),
  };
  await writeRecord(stateDir, record);

  const timeoutMs = opts.timeoutMs ?? START_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  while (!exited && Date.now() < deadline) {
    if (await allListening(record)) return { ...(await forwardStatus(stateDir)), started: true };
    await Bun.sleep(POLL_MS);
  }
  const why = exited ? "ssh exited" : `ssh was not listening after ${timeoutMs / 1000} s`;
  await stopForwards(stateDir);
  child.kill("SIGKILL");
  await child.exited;
  throw forwardFailure(ports, await logSince(logPath, offset), logPath, why);
}

/** Stop the VM's forwarder (for `rum down`/`destroy`). Returns whether one was running. */
export async function stopForwards(stateDir: string): Promise<boolean> {
  const record = await readRecord(stateDir);
  if (!record) return false;
  const stopped = await stopProcess(record.pid, record.argv);
  await removeRecord(stateDir);
  return stopped;
}

/**
 * What `rum status` shows. `configured` (the ports in rum.toml) lists every wanted port,
 * listening only when the running forwarder serves it; without it, the forwarder's own ports.
 */
export async function forwardStatus(
  stateDir: string,
  configured?: readonly PortForward[],
): Promise<ForwardStatus> {
  const log = forwardsLogPath(stateDir);
  const record = await readRecord(stateDir);
  const running = record !== null && (await runsArgv(record.pid, record.argv));
  const listening = running ? await listeningPorts(record.pid) : new Set<number>();
  const served = (p: PortForward): boolean =>
    listening.has(p.host) &&
    (record?.ports.some((r) => r.host === p.host && r.guest === p.guest && r.bind === p.bind) ??
      false);
  const ports = (configured ?? (running ? record.ports : [])).map(({ host, guest, bind }) => ({
    host,
    guest,
    bind,
    listening: served({ host, guest, bind }),
    source: "config" as const,
  }));
  return { running, ...(running ? { pid: record.pid } : {}), ports, log };
}

async function allListening(record: ForwarderRecord): Promise<boolean> {
  if (!(await runsArgv(record.pid, record.argv))) return false;
  const listening = await listeningPorts(record.pid);
  return record.ports.every((p) => listening.has(p.host));
}
