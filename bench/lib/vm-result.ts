/**
 * The VM part's result, as bench/vm.ts prints it and bench/doc-vm.ts reads
 * it (also from a file kept from an earlier run: it carries its own revision
 * and date). Times are unrounded: seconds for cold starts and stops, ms for
 * the warm commands.
 */
import type { Phase, Warm } from "../rum-vm";

export const CONTENDERS = ["rum", "handTyped", "virtInstall", "vagrant"] as const;
export type ContenderKey = (typeof CONTENDERS)[number];

/** One cold start, seconds from the contender's first command, all seen by the one poller. */
export type Round = {
  round: number;
  /** 0 when the contender went first in its round. */
  position: number;
  leaseS: number;
  portS: number;
  sshS: number;
  cloudInitS: number;
  /** When the contender's last command exited. */
  returnedS: number;
  /** The later of cloud-init done and returned: neither alone is ready. */
  readyS: number;
};

export type VmResult = {
  schema: 3;
  /** rum's revision and the date this VM run was measured. */
  revision: string;
  date: string;
  rounds: number;
  roundsDone: number;
  warmRuns: number;
  pollMs: { domain: number; lease: number; port: number; ssh: number };
  stopPollMs: number;
  /** `rum exec -- true` runs before each paired stop (bench/rum-vm.ts, pairedStops). */
  stopExecs: number;
  quietWaitLeft: string[];
  contention: string[];
  cold: Record<ContenderKey, Round[]>;
  /** rum's own phase times, per rum round, beside the poller's milestones. */
  rumPhases: Phase[][];
  /**
   * Graceful stops, seconds. `rum` and `virsh` (shutdown + polled wait) take turns on rum's
   * guest, each after a restart by `rum up -d`, `stopExecs` `rum exec -- true` and 2 s idle,
   * the first alternating by round: the same guest in the same state. `virshHandTyped`: the
   * hand-typed guest right after its ready; `vagrant`: vagrant halt after its warm commands.
   */
  stop: { rum: number[]; virsh: number[]; virshHandTyped: number[]; vagrant: number[] };
  /** The warm commands, one entry per round, on rum's guest. */
  warm: Warm[];
  vagrantWarm: { status: number[]; sshC: number[] };
  errors: string[];
  disturbed: string[];
  cleanupFailures: string[];
};
