/**
 * The quick check's limits, each on a ratio to a baseline timed in the same
 * run, so the host's speed and load cancel out. How they were set (Nov 2026,
 * this 2-core EPYC host): start-up from the fastest of 30 spawns each (medians
 * moved 3.5–9.3× under load: unusable). After the start-up work of #17, 4
 * quick runs here (load average 2–8) gave `--version` 1.29–1.38× and
 * `validate` 4.07–4.36× the hello-world; after the config-loading work (a
 * generated schema check, iarna's string parser alone, no node:stream), 4
 * runs (load average 3–10) gave `--version` 1.39–1.49× and `validate`
 * 2.65–2.91×. The limits sit ~50 % above the worst seen (a loaded CI host
 * widens the spread), so a regression of about half again fails. Earlier, with CI guests booting (load 5–12): the ISO writer
 * 0.45–1.43× its floor, the pull 0.27–0.94× the time of curl + sha256sum (rum
 * downloads and hashes at once, which a loaded host takes away), peak RSS
 * 62–75 MB. The ISO and pull limits are wider, as their ratios swing most with
 * load (the pull's product target, ≥ 0.9× curl + sha256sum, is the full
 * bench's to judge, on a quiet host); the RSS limit is the product target. A
 * check fails only when two measurements in a row are past its limit.
 */
export const QUICK_LIMITS = {
  versionOverHello: {
    what: "`rum --version` ÷ hello-world (fastest of 30 each)",
    limit: 2,
    unit: "×",
  },
  validateOverHello: {
    what: "`rum validate` ÷ hello-world (fastest of 30 each)",
    limit: 4.5,
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
