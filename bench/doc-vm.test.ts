import { expect, test } from "bun:test";
import { resolve } from "pathe";
import { vmSection } from "./doc-vm";
import type { VmResult } from "./lib/vm-result";

// A synthetic result: 3 rounds per contender, with hits and misses.
const fixture = resolve(import.meta.dir, "fixtures/vm-3-rounds.json");
const v = (await Bun.file(fixture).json()) as VmResult;
const targets = (doc: string) =>
  doc
    .slice(doc.indexOf("## Targets"))
    .split("\n")
    .filter((l) => l.startsWith("| ") && !l.startsWith("| target"));
const cells = (row: string) => row.split(" | ");

test("every target has a verdict from the whole spread, and caveats on hits as on misses", () => {
  const rows = targets(vmSection(v, {}));
  expect(rows).toHaveLength(8);
  const met = rows.filter((r) => cells(r)[4] === "met");
  const missed = rows.filter((r) => cells(r)[4] === "**missed**");
  expect(met.length).toBeGreaterThan(0);
  expect(missed.length).toBeGreaterThan(0);
  for (const r of rows) expect(cells(r)[5]).toMatch(/the ranges (do not )?overlap.*n = \d+/);
  // 120.01 s against 1.02 × 117.0 s: rum's worst round decides, not its median.
  expect(rows[0]).toContain("**missed**");
  expect(rows[0]).toContain("its median is 1.02×");
});

test("caveats say what the numbers say: overlap computed, poll interval from the result", () => {
  const doc = vmSection(v, {});
  const rows = targets(doc);
  expect(rows[0]).toContain("the ranges overlap");
  expect(rows[1]).toContain("the ranges do not overlap");
  expect(doc).toContain("new lease every 100 ms");
  const slower = { ...v, pollMs: { ...v.pollMs, lease: 250 } };
  expect(vmSection(slower, {})).toContain("new lease every 250 ms");
  // rum down's 91 ms margin is inside the 100 ms stop poll.
  expect(rows[3]).toContain("within one poll interval (100 ms)");
});

test("cold and stop rows compare rum with the baseline round by round", () => {
  const rows = targets(vmSection(v, {}));
  // Fixture rounds: rum 118.04/120.01/119.02 s against hand-typed 117/118.2/116.1 s.
  expect(rows[0]).toContain(
    "paired by round: rum ahead in 0 of 3, rum ÷ hand-typed 1.02× (1.01–1.03×)",
  );
  // Stops 6.11/6.23/6.04 against virsh 6.02/5.91/6.13: rum first only in the last.
  expect(rows[3]).toContain("paired by round: rum ahead in 1 of 3, rum ÷ virsh 1.01× (0.99–1.05×)");
  // A round without the other's boot of the same round has no pair; warm rows are
  // medians of many runs, unpaired.
  const lost = structuredClone(v);
  lost.cold.handTyped = lost.cold.handTyped.map((r) => (r.round === 1 ? { ...r, round: 7 } : r));
  expect(targets(vmSection(lost, {}))[0]).toContain("rum ahead in 0 of 2");
  expect(rows[4]).not.toContain("paired by round");
});

test("rum's steps before its first wait are summed beside the hand-typed commands' return", () => {
  expect(vmSection(v, {})).toContain(
    "rum's steps up to its domain's start took 1.8 s (phases shown in tenths), the hand-typed baseline's commands returned after 1.9 s.",
  );
});

test("a reused result is labelled with its own revision and date, never as this run", () => {
  const doc = vmSection(v, { reusedFrom: "docs/benchmarks/vm.json" });
  expect(doc).toContain("**Reused result**");
  expect(doc).toContain("rum at abc1234 on 2026-11-29 22:10 UTC");
  expect(doc).not.toContain("Measured in this run");
  expect(vmSection(v, {})).toContain("Measured in this run, rum at abc1234");
});

test("fewer than 3 rounds give no verdict", () => {
  const two = structuredClone(v);
  two.roundsDone = 2;
  for (const k of Object.keys(two.cold) as (keyof VmResult["cold"])[])
    two.cold[k] = two.cold[k].slice(0, 2);
  two.stop.rum = two.stop.rum.slice(0, 2);
  two.warm = two.warm.slice(0, 2);
  const rows = targets(vmSection(two, {}));
  for (const r of rows) expect(cells(r)[4]).toBe("no verdict");
  expect(rows[0]).toContain("2 rounds, fewer than 3");
});
