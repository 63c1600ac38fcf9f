/**
 * The guest-local part of docs/benchmarks.md (issue #19's targets), from
 * bench/guest-local.ts's result: each target judged by lib/stats.ts's
 * absolute rule on the figure it names, taken from the whole sample (a
 * change the guest never reported counts as infinitely late), with caveats
 * computed from the same numbers for hits and misses alike.
 */
import type { Provenance } from "./doc-vm";
import { type LocalResult, WRITE_KINDS } from "./lib/local-result";
import { atMost, type LimitVerdict, median, percentile } from "./lib/stats";

const MB = 1e6;
const ms0 = (x: number) => (Number.isFinite(x) ? `${x.toFixed(0)} ms` : "never");
const mb = (x: number) => (Number.isFinite(x) ? `${(x / MB).toFixed(1)} MB` : "—");
const pct2 = (x: number) => (Number.isFinite(x) ? `${x.toFixed(2)} %` : "—");
const late = (x: number | null) => x ?? Number.POSITIVE_INFINITY;

type Row = {
  what: string;
  judged: number;
  show: (x: number) => string;
  limit: number;
  v: LimitVerdict;
  notes: string[];
};

function row(r: Row): string {
  const state = r.v.state === "met" ? "met" : r.v.state === "missed" ? "**missed**" : "no verdict";
  const margin = 1 - r.v.ratio;
  const lead =
    r.v.state === "no verdict"
      ? `no verdict: ${r.v.reason}`
      : Number.isFinite(margin)
        ? `${Math.abs(margin * 100).toFixed(1)} % ${margin >= 0 ? "under" : "over"} the limit`
        : "not reached within the wait";
  return `| ${r.what} | ${r.show(r.judged)} | ${r.show(r.limit)} | ${state} | ${[lead, ...r.notes].join("; ")} |`;
}

export function localSection(v: LocalResult, from: Provenance): string {
  const when = `${v.date.slice(0, 16).replace("T", " ")} UTC`;
  const provenance = from.reusedFrom
    ? `**Reused result**: read from \`${from.reusedFrom}\`, measured with rum at ${v.revision} on ${when} — not the same run, revision or moment as the tables above.`
    : `Measured in this run, rum at ${v.revision}, ${when}.`;
  const lat = v.writes.map((w) => late(w.ms));
  const missedWrites = v.writes.filter((w) => w.ms === null).length;
  const kinds = WRITE_KINDS.map((k) => {
    const xs = v.writes.filter((w) => w.kind === k).map((w) => late(w.ms));
    return `${k} ${ms0(median(xs))} (n=${xs.length})`;
  }).join(", ");
  const w = v.watcher;
  // A figure not measured is NaN in the script and null once through JSON: never a 0 that passes.
  const num = (x: number | null) => (typeof x === "number" ? x : Number.NaN);
  const peak = w.idle.length
    ? Math.max(num(w.peakRssBytes), num(w.scanRssMaxBytes), ...w.idle.map((s) => num(s.rssBytes)))
    : Number.NaN;
  const idleS = w.idle.reduce((s, x) => s + x.seconds, 0);
  const worstCpu = w.idle.length ? Math.max(...w.idle.map((s) => s.treeCpuPct)) : Number.NaN;
  const ownCpu = w.idle.length ? Math.max(...w.idle.map((s) => s.cpuPct)) : Number.NaN;
  const slice = w.idle[0]?.seconds ?? 5;
  const tickPct = 100 / (w.clockTicksPerS * slice);
  const fwd = v.forwards.map((f) => late(f.ms));
  const fwdMax = fwd.length ? Math.max(...fwd) : Number.NaN;
  const p50 = percentile(lat, 50);
  const p95 = percentile(lat, 95);
  const never = missedWrites
    ? [`${missedWrites} change(s) never reported within 10 s, counted as late`]
    : [];
  const rows: Row[] = [
    {
      what: "host write → guest `inotifywait`, p50",
      judged: p50,
      show: ms0,
      limit: 300,
      v: atMost(p50, 300, lat.length, 100),
      notes: [...never, `n = ${lat.length}; max ${ms0(Math.max(...lat))}`],
    },
    {
      what: "host write → guest `inotifywait`, p95",
      judged: p95,
      show: ms0,
      limit: 1000,
      v: atMost(p95, 1000, lat.length, 100),
      notes: [...never, `nearest-rank p95 of n = ${lat.length}`],
    },
    {
      what: `watcher RSS, ${v.treeFiles.toLocaleString("en")}-file tree (peak, initial watch included)`,
      judged: peak,
      show: mb,
      limit: 80 * MB,
      v: atMost(peak, 80 * MB, Number.isFinite(peak) ? 1 : 0, 1),
      notes: [
        `VmHWM of \`rum __watch\` (its lifetime peak); its ssh sessions hold ${mb(w.childrenRssBytes)} more, not counted`,
      ],
    },
    {
      what: "watcher idle CPU, % of one core (worst slice, with its ssh sessions)",
      judged: worstCpu,
      show: pct2,
      limit: 1,
      v: atMost(worstCpu, 1, idleS >= 30 ? w.idle.length : 0, 1),
      notes: [
        `${w.idle.length} slices of ${slice.toFixed(0)} s (${idleS.toFixed(0)} s idle${idleS < 30 ? ", under the 30 s asked" : ""})`,
        `the watcher alone: ${pct2(ownCpu)} at worst`,
        `one clock tick is ${pct2(tickPct)} of a slice${Math.abs(worstCpu - 1) <= tickPct ? ": within one tick of the limit" : ""}`,
      ],
    },
    {
      what: "auto-forward: guest listening → host 127.0.0.1:PORT answers (worst)",
      judged: fwdMax,
      show: ms0,
      limit: 2000,
      v: atMost(fwdMax, 2000, fwd.length, 5),
      notes: [
        `n = ${fwd.length}; median ${ms0(median(fwd))}`,
        `the host asks every ${v.forwardPollMs} ms (a figure is up to that late)`,
        'the clock starts when the guest\'s "listening" line reaches the host, one SSH one-way trip after the listen (not counted)',
      ],
    },
  ];
  const quiet = v.contention.length
    ? `**Contention:** other guests ran on the host during part of this run (${v.contention.join(", ")}).`
    : "No other guest ran on the host during this part.";
  return `## A guest that feels local (issue #19: inotify mounts, auto_forward)

${provenance}

One rum guest (test image, software emulation, 2 vCPUs, 1 GiB) with an \`inotify = true\` mount of a ${v.treeFiles.toLocaleString("en")}-file tree and \`[network] auto_forward = true\` (bench/guest-local.ts). The watcher's memory is traced from \`rum up\` returning, then it idles; then ${v.writes.length} host changes in the mount (create, modify, rename, delete in turn, each on a fresh name, each waited for, then ${v.gapMs} ms apart so each is its own batch) are timed until the guest's \`inotifywait -m\` (streamed back by \`rum exec\` over the VM's SSH master) reports them, on the host's clock; a rename counts once both names are reported. Then ${v.forwards.length} times a web server starts in the guest and the host's 127.0.0.1:PORT is asked until it answers. Per kind (medians): ${kinds || "—"}.
**Verdicts:** each target is judged on the figure it names over the whole sample, on unrounded numbers.
${quiet}

| target | rum | limit | | caveats (computed) |
|---|---|---|---|---|
${rows.map(row).join("\n")}
${v.errors.length ? `\nFailures during this part (the rows hold what was measured):\n\n${v.errors.map((e) => `- \`${e.split("\n")[0]}\``).join("\n")}\n` : ""}${v.cleanupFailures.length ? `\nClean-up: ${v.cleanupFailures.join("; ")}\n` : ""}`;
}
