/**
 * The guest-local part's result, as bench/guest-local.ts prints it and
 * bench/doc-local.ts reads it (also from a file kept from an earlier run: it
 * carries its own revision and date). Times are unrounded ms, sizes bytes.
 */

export const WRITE_KINDS = ["create", "modify", "rename", "delete"] as const;
export type WriteKind = (typeof WRITE_KINDS)[number];

/** One host-side change and when the guest's inotifywait reported it, on the host's clock. */
/** `ms` is null when the guest never reported the change within the wait (counted as a miss). */
export type Write = { kind: WriteKind; name: string; ms: number | null };

/** The watcher (`rum __watch`) over one slice of the idle window. */
export type IdleSlice = {
  seconds: number;
  /** CPU of the watcher alone, % of one core. */
  cpuPct: number;
  /** CPU of the watcher and its ssh sessions together, % of one core (the judged figure). */
  treeCpuPct: number;
  rssBytes: number;
};

export type LocalResult = {
  schema: 1;
  revision: string;
  date: string;
  /** Files in the mounted tree while the watcher ran (a, b and c all on it). */
  treeFiles: number;
  /** Writes timed; each waits for the guest's event, then a gap, so each is its own batch. */
  writes: Write[];
  gapMs: number;
  /** From `rum up` returning to the watcher being idle (its initial scan included). */
  watcher: {
    pid: number;
    /** VmHWM right after the idle window: the peak, initial scan included. */
    peakRssBytes: number;
    /** RSS sampled every 100 ms from `rum up` returning until the idle window: the scan's trace. */
    scanRssMaxBytes: number;
    /** The ssh sessions the watcher runs, RSS summed, at the end of the idle window. */
    childrenRssBytes: number;
    idle: IdleSlice[];
    clockTicksPerS: number;
  };
  /** ms from the guest's "listening" line (null: not within the wait) reaching the host to 127.0.0.1:PORT answering HTTP 200. */
  forwards: { port: number; ms: number | null }[];
  /** How often the host asked 127.0.0.1:PORT, ms. */
  forwardPollMs: number;
  contention: string[];
  errors: string[];
  cleanupFailures: string[];
};
