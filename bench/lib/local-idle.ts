/**
 * Part (b): the watcher (`rum __watch`) on a large mounted tree: its RSS traced
 * from `rum up` returning until it settles (the initial recursive watch), then
 * an idle window cut in slices, each with the CPU it used (% of one core,
 * alone and with its ssh sessions) and its RSS; VmHWM at the end is the peak.
 */

import type { IdleSlice, LocalResult } from "./local-result";
import { cpuTicks, descendants, peakRssBytes, rssBytes } from "./proc-stat";

/** RSS every 100 ms for `ms`: the largest seen. */
export async function traceRss(pid: number, ms: number): Promise<number> {
  let max = 0;
  const end = performance.now() + ms;
  while (performance.now() < end) {
    const r = rssBytes(pid);
    if (Number.isFinite(r)) max = Math.max(max, r);
    await Bun.sleep(100);
  }
  return max;
}

const treeTicks = (pid: number) =>
  [pid, ...descendants(pid)].reduce((sum, p) => sum + (cpuTicks(p) || 0), 0);

/** `slices` idle slices of `sliceS` seconds each; nothing else may touch the mount meanwhile. */
export async function idleSlices(
  pid: number,
  slices: number,
  sliceS: number,
  hz: number,
): Promise<IdleSlice[]> {
  const out: IdleSlice[] = [];
  for (let i = 0; i < slices; i++) {
    const t0 = performance.now();
    const own0 = cpuTicks(pid);
    const tree0 = treeTicks(pid);
    await Bun.sleep(sliceS * 1000);
    const own1 = cpuTicks(pid);
    const tree1 = treeTicks(pid);
    const seconds = (performance.now() - t0) / 1000;
    if (!Number.isFinite(own1)) throw new Error(`the watcher (pid ${pid}) exited while idle`);
    const pct = (ticks: number) => (ticks / hz / seconds) * 100;
    out.push({
      seconds,
      cpuPct: pct(own1 - own0),
      treeCpuPct: pct(tree1 - tree0),
      rssBytes: rssBytes(pid),
    });
  }
  return out;
}

/** The watcher's figures, once its scan is over and it has idled. */
export async function measureWatcher(
  pid: number,
  settleMs: number,
  slices: number,
  sliceS: number,
  hz: number,
): Promise<LocalResult["watcher"]> {
  const scanRssMaxBytes = await traceRss(pid, settleMs);
  const idle = await idleSlices(pid, slices, sliceS, hz);
  return {
    pid,
    peakRssBytes: peakRssBytes(pid),
    scanRssMaxBytes,
    childrenRssBytes: descendants(pid).reduce((sum, p) => sum + (rssBytes(p) || 0), 0),
    idle,
    clockTicksPerS: hz,
  };
}
