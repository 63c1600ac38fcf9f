/**
 * What rum remembers about a VM between commands (state.json in its state dir).
 * Written atomically so a Ctrl-C never leaves a half-written file.
 */
import { readFileSync } from "node:fs";
import { join } from "pathe";
import { writeJsonAtomic } from "../util/atomic-write";
import { privateDir } from "./private-files";

export interface VmState {
  /** Hash of the resolved config last applied to the domain definition. */
  configHash?: string;
  /** Seed volume fully uploaded (its name carries the hash of its inputs). */
  seedVolume?: string;
  /** Overlay volume created for the root disk. */
  rootVolume?: string;
  /** Extra drive volumes created, by drive name. */
  drives?: Record<string, string>;
  /** The domain has been started at least once since it was (re)created. */
  booted?: boolean;
  /** The first boot's system provisioning finished (whatever its exit code). */
  firstBootDone?: boolean;
  /** The guest address SSH last used (valid while the master connection lives). */
  address?: string;
  /** libvirt networks rum created for this VM (removed by destroy when unused). */
  createdNetworks?: string[];
}

export function ensureStateDir(dir: string): Promise<void> {
  return privateDir(dir);
}

export async function readState(dir: string): Promise<VmState> {
  try {
    // Synchronous: a few hundred bytes, read on every command's path (rum exec's too).
    return JSON.parse(readFileSync(join(dir, "state.json"), "utf8")) as VmState;
  } catch {
    return {};
  }
}

export const writeState = (dir: string, state: VmState) =>
  writeJsonAtomic(join(dir, "state.json"), state);

export async function updateState(dir: string, patch: Partial<VmState>): Promise<VmState> {
  const next = { ...(await readState(dir)), ...patch };
  await writeState(dir, next);
  return next;
}
