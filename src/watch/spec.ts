/**
 * Files the watcher shares with the rum commands, in the VM's state folder:
 * watch-spec.json (what to watch, written before the watcher starts; its hash
 * names the watcher, so a new config replaces it) and auto-forwards.json (the
 * listeners it forwards, written by the watcher, read by `rum status`).
 */
import { readFile } from "node:fs/promises";
import { join } from "pathe";
import type { SshTarget } from "../guest/ssh-target";

export interface WatchedMount {
  /** The host folder, absolute. */
  host: string;
  /** Its mount point in the guest. */
  guest: string;
  ignore: string[];
}

export interface WatchSpec {
  target: SshTarget;
  mounts: WatchedMount[];
  /** `[network] auto_forward`; null when off. */
  autoForward: { exclude: number[] } | null;
  /**
   * Run this instead of the guest's replay shell (it gets the same NUL-separated
   * stream on stdin): measuring the watcher on a host without a VM.
   */
  sink?: string[];
}

export interface AutoForward {
  port: number;
  /** Listening on the host's 127.0.0.1 now; false: the host port is taken (see note). */
  forwarded: boolean;
  note?: string;
}

export const specPath = (stateDir: string) => join(stateDir, "watch-spec.json");
export const autoForwardsPath = (stateDir: string) => join(stateDir, "auto-forwards.json");
/** Holds the watcher's PID once it watches and handles SIGTERM (see ensureWatcher). */
export const readyPath = (stateDir: string) => join(stateDir, "watch.ready");
export const watchLogPath = (stateDir: string) => join(stateDir, "logs", "watch.log");

export async function readSpec(stateDir: string): Promise<WatchSpec> {
  return JSON.parse(await readFile(specPath(stateDir), "utf8")) as WatchSpec;
}

export async function readAutoForwards(stateDir: string): Promise<AutoForward[]> {
  try {
    const value = JSON.parse(await readFile(autoForwardsPath(stateDir), "utf8"));
    return Array.isArray(value) ? (value as AutoForward[]) : [];
  } catch {
    return [];
  }
}
