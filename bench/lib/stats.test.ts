import { describe, expect, test } from "bun:test";
import { median, overlaps, verdict } from "./stats";

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
