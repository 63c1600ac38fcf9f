import { describe, expect, test } from "bun:test";
import { atMost, median, overlaps, percentile, verdict } from "./stats";

describe("verdict", () => {
  test("met only when rum's worst round is within target × the baseline's median", () => {
    expect(verdict([100, 101, 102], [100, 110, 120], 1.0).state).toBe("met");
    expect(verdict([100, 101, 111], [100, 110, 120], 1.0).state).toBe("missed");
  });

  test("one lucky round of rum does not carry it", () => {
    // rum's median (90) is well within, its worst round is not.
    const v = verdict([85, 90, 130], [100, 100, 100], 1.2);
    expect(v.state).toBe("missed");
    expect(v.medianRatio).toBeCloseTo(0.9);
  });

  test("judged on unrounded numbers: 6.63 s against 1.1 × 6.02 s misses, though both round to 6.6 and 6.0", () => {
    expect(verdict([6.6, 6.61, 6.63], [6.0, 6.02, 6.04], 1.1).state).toBe("missed");
  });

  test("fewer than 3 rounds, or a side not measured, gives no verdict", () => {
    expect(verdict([1], [2], 1.5)).toMatchObject({
      state: "no verdict",
      reason: "1 round, fewer than 3",
    });
    expect(verdict([1, 1], [2, 2, 2], 1.5).state).toBe("no verdict");
    expect(verdict([], [2, 2, 2], 1.5)).toMatchObject({
      state: "no verdict",
      reason: "not measured",
    });
  });
});

test("median of an even count is the mean of the middle two", () => {
  expect(median([4, 1, 3, 2])).toBe(2.5);
  expect(median([3, 1, 2])).toBe(2);
  expect(median([])).toBeNaN();
});

test("overlaps compares min–max ranges", () => {
  expect(overlaps([1, 3], [2, 4])).toBe(true);
  expect(overlaps([1, 2], [3, 4])).toBe(false);
});

test("percentile is nearest-rank: p50 of 1..100 is 50, p95 is 95, p100 the max", () => {
  const xs = Array.from({ length: 100 }, (_, i) => 100 - i);
  expect(percentile(xs, 50)).toBe(50);
  expect(percentile(xs, 95)).toBe(95);
  expect(percentile(xs, 100)).toBe(100);
  expect(percentile([7], 95)).toBe(7);
  expect(percentile([], 50)).toBeNaN();
});

test("atMost: met at the limit, missed past it, no verdict on too few samples", () => {
  expect(atMost(2000, 2000, 5, 5)).toMatchObject({ state: "met", ratio: 1 });
  expect(atMost(2000.1, 2000, 5, 5).state).toBe("missed");
  expect(atMost(100, 2000, 4, 5)).toMatchObject({
    state: "no verdict",
    reason: "n = 4, fewer than 5",
  });
  expect(atMost(Number.NaN, 2000, 0, 5)).toMatchObject({ state: "no verdict" });
});
