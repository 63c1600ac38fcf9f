/**
 * The quick check's limits, each on a ratio to a baseline timed in the same
 * run, so the host's speed and load cancel out. How they were set (Nov 2026,
 * this 2-core EPYC host with CI guests booting, load average 5–12), from 14
 * quick runs and 5 more pulls: `--version` 3.8–4.4× and `validate` 6.8–8.9×
 * the hello-world by fastest spawns (medians moved 3.5–9.3×: unusable), the
 * ISO writer 0.45–1.43× its floor, the pull 0.27–0.94× the time of curl +
 * sha256sum (rum downloads and hashes at once, which a loaded host takes
 * away), peak RSS 62–75 MB. Each start-up limit sits ~25 % above the worst
 * ratio seen, so it fails on a start-up regression of roughly 35 % or more;
 * the ISO and pull limits are wider, as their ratios swing most with load
 * (the pull's product target, ≥ 0.9× curl + sha256sum, is the full bench's
 * to judge, on a quiet host); the RSS limit is the product target. A check
 * fails only when two measurements in a row are past its limit.
 */
export const QUICK_LIMITS = {
  versionOverHello: {
    what: "`rum --version` ÷ hello-world (fastest of 30 each)",
    limit: 5.5,
    unit: "×",
  },
  validateOverHello: {
    what: "`rum validate` ÷ hello-world (fastest of 30 each)",
    limit: 11,
    unit: "×",
  },
  isoOverFloor: {
    what: "ISO writer, 32 MiB ÷ allocate + copy (medians of 7)",
    limit: 2.5,
    unit: "×",
  },
  rumOverCurl: {
    what: "`rum image pull` 256 MiB time ÷ curl + sha256sum time (medians of 3)",
    limit: 1.5,
    unit: "×",
  },
  downloadPeakRssMB: { what: "peak RSS of that pull", limit: 150, unit: " MB" },
} as const;

export type QuickCheck = keyof typeof QUICK_LIMITS;
