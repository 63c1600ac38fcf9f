/** Download speed and time left, smoothed so the numbers do not jitter. */

export interface DownloadProgress {
  /** "rehash": checking bytes already on disk before a resume. */
  phase: "rehash" | "download";
  /** Bytes of the file so far (including any resumed part). */
  received: number;
  total?: number;
  /** Bytes per second over the last few seconds. */
  rate: number;
  /** Seconds left, when total and rate are known. */
  eta?: number;
}

const WINDOW_MS = 3000;
const EMIT_EVERY_MS = 100;

export class RateMeter {
  private samples: { t: number; bytes: number }[] = [];
  private lastEmit = 0;

  constructor(
    private readonly total: number | undefined,
    start: number,
  ) {
    this.samples.push({ t: performance.now(), bytes: start });
  }

  sample(bytes: number, phase: DownloadProgress["phase"]): DownloadProgress {
    const t = performance.now();
    this.samples.push({ t, bytes });
    while (this.samples.length > 2 && t - (this.samples[0]?.t ?? t) > WINDOW_MS)
      this.samples.shift();
    const first = this.samples[0] ?? { t, bytes };
    const dt = (t - first.t) / 1000;
    const rate = dt > 0 ? (bytes - first.bytes) / dt : 0;
    const left = this.total !== undefined ? this.total - bytes : undefined;
    return {
      phase,
      received: bytes,
      ...(this.total !== undefined ? { total: this.total } : {}),
      rate,
      ...(left !== undefined && rate > 0 ? { eta: left / rate } : {}),
    };
  }

  /** A sample at most every 100 ms, so callers are not flooded once per chunk. */
  throttled(bytes: number, phase: DownloadProgress["phase"]): DownloadProgress | undefined {
    const t = performance.now();
    if (t - this.lastEmit < EMIT_EVERY_MS) return undefined;
    this.lastEmit = t;
    return this.sample(bytes, phase);
  }
}
