/**
 * Starting, keeping and stopping a VM's watcher: exactly the port forwarder's
 * lifecycle (src/guest/forwards.ts), with the same record (PID + exact command
 * line, see forward-record.ts), under the name `watch`. The watcher is rum itself
 * (`rum __watch <stateDir>`), detached so it outlives the command that started it.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { mkdir, readFile, rm, stat } from "node:fs/promises";
import { dirname } from "pathe";
import { forwarderHash } from "../guest/forward-argv";
import { runsArgv, stopProcess } from "../guest/forward-proc";
import { readRecord, removeRecord, writeRecord } from "../guest/forward-record";
import { writeJsonAtomic } from "../util/atomic-write";
import { rumCommandArgv } from "./self";
import { readyPath, specPath, type WatchSpec, watchLogPath } from "./spec";

export interface WatcherStatus {
  running: boolean;
  pid?: number;
  log: string;
}

const START_TIMEOUT_MS = 5000;
const MAX_LOG_BYTES = 256 * 1024;

export function watcherArgv(stateDir: string, rum = rumCommandArgv()): string[] {
  return [...rum, "__watch", stateDir];
}

/**
 * Make the VM's watcher run with exactly this spec (idempotent): a live watcher for
 * the same spec is kept, any other replaced; a null spec stops it.
 */
export async function ensureWatcher(opts: {
  stateDir: string;
  spec: WatchSpec | null;
  /** Replace even a matching watcher (the VM rebooted). */
  restart?: boolean;
  /** The rum that runs it; this one by default (tests name the built binary). */
  rum?: string[];
}): Promise<WatcherStatus & { started: boolean }> {
  const { stateDir, spec } = opts;
  if (!spec) {
    await stopWatcher(stateDir);
    return { ...(await watcherStatus(stateDir)), started: false };
  }
  const argv = watcherArgv(stateDir, opts.rum);
  const hash = forwarderHash([...argv, JSON.stringify(spec)]);
  const current = await readRecord(stateDir, "watch");
  if (!opts.restart && current?.hash === hash && (await runsArgv(current.pid, current.argv))) {
    return { ...(await watcherStatus(stateDir)), started: false };
  }
  await stopWatcher(stateDir);
  await writeJsonAtomic(specPath(stateDir), spec);
  const fd = await openLog(watchLogPath(stateDir));
  const child = (() => {
    try {
      // Not proc.ts's run(): the watcher outlives rum; setsid() keeps Ctrl-C and hangups away.
      return Bun.spawn(argv, { detached: true, stdin: "ignore", stdout: fd, stderr: fd });
    } finally {
      closeSync(fd);
    }
  })();
  child.unref();
  await writeRecord(
    stateDir,
    { pid: child.pid, argv, hash, ports: [], startedAt: new Date().toISOString() },
    "watch",
  );
  // Returns once the watcher watches: a `status` or `down` right after sees it whole.
  let exited = false;
  void child.exited.then(() => {
    exited = true;
  });
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!exited && Date.now() < deadline && !(await isReady(stateDir, child.pid))) {
    await Bun.sleep(20);
  }
  return { ...(await watcherStatus(stateDir)), started: true };
}

/**
 * Stop the VM's watcher (it cancels its auto forwards itself). Returns whether one ran.
 * auto-forwards.json stays: after a watcher that was killed, it names the forwards
 * still on the master, which the next watcher cancels first.
 */
export async function stopWatcher(stateDir: string): Promise<boolean> {
  const record = await readRecord(stateDir, "watch");
  if (!record) return false;
  const stopped = await stopProcess(record.pid, record.argv, 5000);
  await removeRecord(stateDir, "watch");
  await rm(readyPath(stateDir), { force: true });
  return stopped;
}

export async function watcherStatus(stateDir: string): Promise<WatcherStatus> {
  const record = await readRecord(stateDir, "watch");
  const running = record !== null && (await runsArgv(record.pid, record.argv));
  return { running, ...(running ? { pid: record.pid } : {}), log: watchLogPath(stateDir) };
}

async function isReady(stateDir: string, pid: number): Promise<boolean> {
  const text = await readFile(readyPath(stateDir), "utf8").catch(() => "");
  return text.trim() === String(pid);
}

async function openLog(path: string): Promise<number> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const size = await stat(path).then(
    (s) => s.size,
    () => 0,
  );
  // Past this size the log starts over: only the latest starts matter.
  const fd = openSync(path, size > MAX_LOG_BYTES ? "w" : "a", 0o600);
  writeSync(fd, `--- ${new Date().toISOString()} rum starts the watcher\n`);
  return fd;
}
