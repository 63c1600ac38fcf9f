/**
 * The statistics every benchmark figure and verdict is computed with, on
 * unrounded numbers (rounding is for display only, in the doc).
 */

export type Spread = { median: number; min: number; max: number; n: number };

/** The median (mean of the middle two for an even count); NaN for no samples. */
export function median(xs: number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1
    ? (s[mid] as number)
    : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function spread(xs: number[]): Spread {
  return {
    median: median(xs),
    min: xs.length ? Math.min(...xs) : Number.NaN,
    max: xs.length ? Math.max(...xs) : Number.NaN,
    n: xs.length,
  };
}

/** Fewer rounds than this and a VM figure gets no verdict: one round cannot show a spread. */
export const MIN_ROUNDS = 3;

export type Verdict = {
  state: "met" | "missed" | "no verdict";
  /** Why there is no verdict (too few rounds, a side not measured). */
  reason?: string;
  /** rum's worst value over the limit (target × baseline median); < 1 is met. */
  worstRatio: number;
  /** rum's median over the baseline's median, for context. */
  medianRatio: number;
  limit: number;
};

/**
 * The one rule for every "rum ≤ target × baseline" figure: met only when rum's
 * worst round is within `target` × the baseline's median, so no single lucky
 * round of rum, and no rounding, can carry a verdict.
 */
export function verdict(
  rum: number[],
  baseline: number[],
  target: number,
  minN = MIN_ROUNDS,
): Verdict {
  const base = median(baseline);
  const limit = target * base;
  const worst = rum.length ? Math.max(...rum) : Number.NaN;
  const out = { worstRatio: worst / limit, medianRatio: median(rum) / base, limit };
  if (rum.length === 0 || baseline.length === 0)
    return { ...out, state: "no verdict", reason: "not measured" };
  const n = Math.min(rum.length, baseline.length);
  if (n < minN)
    return {
      ...out,
      state: "no verdict",
      reason: `${n} round${n === 1 ? "" : "s"}, fewer than ${minN}`,
    };
  return { ...out, state: worst <= limit ? "met" : "missed" };
}

/** Whether two samples' min–max ranges overlap (then single rounds can come in either order). */
export function overlaps(a: number[], b: number[]): boolean {
  const A = spread(a);
  const B = spread(b);
  return A.min <= B.max && B.min <= A.max;
}

/** The nearest-rank percentile (p in 0–100): a value that was measured, never interpolated. */
export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * s.length));
  return s[rank - 1] as number;
}

export type LimitVerdict = {
  state: "met" | "missed" | "no verdict";
  reason?: string;
  /** The judged figure over the limit; ≤ 1 is met (Infinity: never reached). */
  ratio: number;
};

/**
 * The rule for an absolute target ("≤ 2 s"): `judged` is the figure the target
 * names, taken from the whole sample (its worst value, or the stated percentile),
 * never a lucky subset; fewer than `minN` samples give no verdict.
 */
export function atMost(judged: number, limit: number, n: number, minN: number): LimitVerdict {
  const ratio = judged / limit;
  if (n === 0 || Number.isNaN(judged))
    return { state: "no verdict", reason: "not measured", ratio };
  if (n < minN) return { state: "no verdict", reason: `n = ${n}, fewer than ${minN}`, ratio };
  return { state: judged <= limit ? "met" : "missed", ratio };
}
