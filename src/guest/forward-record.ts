/**
 * forwards.json in the VM's state dir: which forwarder rum started (PID and exact
 * command line, so a recycled PID is never taken for it) and for which ports.
 * Written atomically: `rum status` may read it while `rum up` writes it.
 * The inotify/auto-forward watcher (src/watch) is kept the same way, as `watch`.
 */
import { readFile, rm } from "node:fs/promises";
import { join } from "pathe";
import { writeJsonAtomic } from "../util/atomic-write";
import type { PortForward } from "./forward-argv";

export interface ForwarderRecord {
  pid: number;
  argv: string[];
  /** forwarderHash(argv). */
  hash: string;
  ports: PortForward[];
  startedAt: string;
}

/** Which detached process: `forwards` (the port forwarder) or `watch` (src/watch). */
export type RecordName = "forwards" | "watch";

export function recordPath(stateDir: string, name: RecordName = "forwards"): string {
  return join(stateDir, `${name}.json`);
}

export function forwardsLogPath(stateDir: string): string {
  return join(stateDir, "logs", "forwards.log");
}

export async function readRecord(
  stateDir: string,
  name: RecordName = "forwards",
): Promise<ForwarderRecord | null> {
  try {
    const value = JSON.parse(await readFile(recordPath(stateDir, name), "utf8")) as ForwarderRecord;
    const valid =
      Number.isInteger(value.pid) &&
      value.pid > 0 &&
      Array.isArray(value.argv) &&
      value.argv.length;
    return valid ? value : null;
  } catch {
    return null;
  }
}

export async function writeRecord(
  stateDir: string,
  record: ForwarderRecord,
  name: RecordName = "forwards",
): Promise<void> {
  await writeJsonAtomic(recordPath(stateDir, name), record);
}

export async function removeRecord(stateDir: string, name: RecordName = "forwards"): Promise<void> {
  await rm(recordPath(stateDir, name), { force: true });
}
