/**
 * forwards.json in the VM's state dir: which forwarder rum started (PID and exact
 * command line, so a recycled PID is never taken for it) and for which ports.
 * Written atomically: `rum status` may read it while `rum up` writes it.
 */
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "pathe";
import type { PortForward } from "./forward-argv";

export interface ForwarderRecord {
  pid: number;
  argv: string[];
  /** forwarderHash(argv). */
  hash: string;
  ports: PortForward[];
  startedAt: string;
}

export function recordPath(stateDir: string): string {
  return join(stateDir, "forwards.json");
}

export function forwardsLogPath(stateDir: string): string {
  return join(stateDir, "logs", "forwards.log");
}

export async function readRecord(stateDir: string): Promise<ForwarderRecord | null> {
  try {
    const value = JSON.parse(await readFile(recordPath(stateDir), "utf8")) as ForwarderRecord;
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

export async function writeRecord(stateDir: string, record: ForwarderRecord): Promise<void> {
  const tmp = join(stateDir, `.forwards.json.${process.pid}`);
  await writeFile(tmp, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, recordPath(stateDir));
}

export async function removeRecord(stateDir: string): Promise<void> {
  await rm(recordPath(stateDir), { force: true });
}
