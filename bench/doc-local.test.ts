import { expect, test } from "bun:test";
import { localSection } from "./doc-local";
import { type LocalResult, WRITE_KINDS } from "./lib/local-result";

// A synthetic result: 100 writes of 150–249 ms but 6 slow ones, an idle watcher.
function result(): LocalResult {
  return {
    schema: 1,
    revision: "abc1234",
    date: "2026-11-30T08:00:00.000Z",
    treeFiles: 10000,
    writes: Array.from({ length: 100 }, (_, i) => ({
      kind: WRITE_KINDS[i % 4] as (typeof WRITE_KINDS)[number],
      name: `c${i}`,
      ms: i < 94 ? 150 + i : 1500,
    })),
    gapMs: 250,
    watcher: {
      pid: 1,
      peakRssBytes: 60e6,
      scanRssMaxBytes: 58e6,
      childrenRssBytes: 16e6,
      idle: Array.from({ length: 6 }, () => ({
        seconds: 5,
        cpuPct: 0.2,
        treeCpuPct: 0.4,
        rssBytes: 55e6,
      })),
      clockTicksPerS: 100,
    },
    forwards: [900, 1100, 1000, 950, 1990].map((ms, i) => ({ port: 8000 + i, ms })),
    forwardPollMs: 20,
    contention: [],
    errors: [],
    cleanupFailures: [],
  };
}
const rows = (doc: string) =>
  doc.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| target"));
const state = (row: string) => row.split(" | ")[3];

test("each target is judged on the figure it names over the whole sample", () => {
  const r = rows(localSection(result(), {}));
  expect(r).toHaveLength(5);
  expect(state(r[0] as string)).toBe("met"); // p50 = 199 ms
  expect(state(r[1] as string)).toBe("**missed**"); // p95 = the 95th value: 1500 ms
  expect(state(r[2] as string)).toBe("met");
  expect(state(r[3] as string)).toBe("met");
  // The worst forward (1990 ms) decides, 10 ms under the limit: said, as on a miss.
  expect(state(r[4] as string)).toBe("met");
  expect(r[4]).toContain("0.5 % under the limit");
  expect(r[1]).toContain("50.0 % over the limit");
});

test("a change never reported counts as late, and fewer than 100 writes give no verdict", () => {
  const v = result();
  v.writes = v.writes.map((w, i) => (i < 60 ? { ...w, ms: null } : w));
  const r = rows(localSection(v, {}));
  expect(state(r[0] as string)).toBe("**missed**");
  expect(r[0]).toContain("60 change(s) never reported");
  v.writes = v.writes.slice(0, 99);
  expect(rows(localSection(v, {}))[0]).toContain("no verdict: n = 99, fewer than 100");
});

test("idle CPU: the watcher with its ssh sessions is judged; under 30 s idle gives no verdict", () => {
  const v = result();
  v.watcher.idle[2] = { seconds: 5, cpuPct: 0.4, treeCpuPct: 1.2, rssBytes: 55e6 };
  expect(state(rows(localSection(v, {}))[3] as string)).toBe("**missed**");
  v.watcher.idle = v.watcher.idle.slice(0, 3);
  expect(rows(localSection(v, {}))[3]).toContain("no verdict");
});

test("a reused result is labelled with its own revision and date", () => {
  const doc = localSection(result(), { reusedFrom: "docs/benchmarks/local.json" });
  expect(doc).toContain("**Reused result**");
  expect(doc).toContain("rum at abc1234 on 2026-11-30 08:00 UTC");
  expect(localSection(result(), {})).toContain("Measured in this run, rum at abc1234");
});

test("a watcher not measured (NaN, null after JSON) gives no verdict, never a pass", () => {
  const v = JSON.parse(
    JSON.stringify({
      ...result(),
      watcher: { ...result().watcher, peakRssBytes: Number.NaN, idle: [] },
    }),
  );
  const r = rows(localSection(v, {}));
  expect(state(r[2] as string)).toBe("no verdict");
  expect(state(r[3] as string)).toBe("no verdict");
});
