/**
 * One HTTP attempt at filling the `.part` file, resuming with a Range request
 * when bytes are already there. The body is streamed chunk by chunk to disk;
 * it is never held in memory as a whole.
 *
 * Native fetch rather than ofetch for the body: the status must be read as is
 * (206 vs 200 vs 416 decide resume, restart or done) and retries must resume
 * from the new offset; ofetch's error mapping and same-request retries would
 * have to be switched off, leaving nothing it adds.
 */
import { RumError } from "../errors";
import { writeJsonAtomic } from "../util/atomic-write";
import { version } from "../version";
import { type CachePaths, readPartMeta, validatorOf } from "./cache-entry";
import { httpError, Interrupted, networkError } from "./http-errors";
import { fileSize, type PartHash, PartWriter } from "./part-file";
import { formatBytes } from "./progress";
import { type DownloadProgress, RateMeter } from "./rate";

export interface AttemptOptions {
  cacheDir: string;
  signal?: AbortSignal;
  stallTimeoutMs: number;
  onProgress?: (p: DownloadProgress) => void;
  onNote?: (message: string) => void;
}

export async function downloadAttempt(
  url: string,
  paths: CachePaths,
  hash: PartHash,
  opts: AttemptOptions,
): Promise<void> {
  const offset = await fileSize(paths.part);
  if (hash.hashed !== offset && offset > 0) {
    opts.onNote?.(`checking the ${formatBytes(offset)} already downloaded`);
    const meter = new RateMeter(offset, 0);
    await hash.rehash(paths.part, (n) => {
      const p = meter.throttled(n, "rehash");
      if (p) opts.onProgress?.(p);
    });
  } else if (offset === 0) hash.reset();

  const stall = new Watchdog(opts.stallTimeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, stall.signal]) : stall.signal;
  try {
    await transfer(url, paths, hash, offset, { ...opts, signal, stall });
  } finally {
    stall.stop();
  }
}

async function transfer(
  url: string,
  paths: CachePaths,
  hash: PartHash,
  start: number,
  opts: AttemptOptions & { signal: AbortSignal; stall: Watchdog },
): Promise<void> {
  let offset = start;
  const headers: Record<string, string> = {
    "accept-encoding": "identity", // byte ranges of the file itself, never of a compressed stream
    "user-agent": `rum/${version}`,
  };
  if (offset > 0) {
    headers.range = `bytes=${offset}-`;
    const meta = await readPartMeta(paths.partMeta, url);
    if (meta) headers["if-range"] = meta;
  }
  let res: Response;
  try {
    res = await fetch(url, { headers, signal: opts.signal, redirect: "follow" });
  } catch (e) {
    if (opts.stall.fired) throw new Interrupted(`no response for ${opts.stallTimeoutMs / 1000}s`);
    throw networkError(e, url, opts.signal);
  }

  let total: number | undefined;
  if (res.status === 416) {
    await res.body?.cancel();
    const whole = Number(/\/(\d+)$/.exec(res.headers.get("content-range") ?? "")?.[1]);
    if (whole === offset) return; // the part already holds the whole file
    opts.onNote?.("the partial download does not match the file on the server; starting over");
    await restart(paths, hash);
    throw new Interrupted("stale partial download", true);
  }
  if (res.status === 206) {
    const m = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(res.headers.get("content-range") ?? "");
    if (!m || Number(m[1]) !== offset) {
      await res.body?.cancel();
      await restart(paths, hash);
      throw new Interrupted("server answered with an unexpected byte range", true);
    }
    total = m[2] === "*" ? undefined : Number(m[2]);
  } else if (res.status === 200) {
    if (offset > 0) opts.onNote?.("the server did not resume the download; starting over");
    offset = 0;
    hash.reset();
    const length = Number(res.headers.get("content-length") ?? Number.NaN);
    total = Number.isFinite(length) ? length : undefined;
    const validator = validatorOf(res.headers);
    await writeJsonAtomic(paths.partMeta, { url, validator }, 0o644).catch(() => undefined);
  } else {
    await res.body?.cancel();
    throw httpError(res, url);
  }
  if (!res.body) throw new Interrupted("empty response body");

  const writer = await PartWriter.open(paths.part, offset > 0, hash, opts.cacheDir);
  const meter = new RateMeter(total, offset);
  let received = offset;
  opts.onProgress?.(meter.sample(received, "download")); // announces the phase and where it starts
  try {
    try {
      for await (const chunk of res.body) {
        opts.stall.kick();
        await writer.write(chunk);
        received += chunk.byteLength;
        const p = meter.throttled(received, "download");
        if (p) opts.onProgress?.(p);
      }
    } catch (e) {
      if (e instanceof RumError) throw e;
      await writer.flush();
      if (opts.signal.aborted && !opts.stall.fired) throw networkError(e, url, opts.signal);
      const why = opts.stall.fired
        ? `no data for ${opts.stallTimeoutMs / 1000}s`
        : ((e as { code?: string }).code ?? (e as Error).message);
      throw new Interrupted(`connection lost after ${formatBytes(received)} (${why})`);
    }
    await writer.flush();
  } finally {
    await writer.close();
  }
  opts.onProgress?.(meter.sample(received, "download"));
  if (total !== undefined && received !== total) {
    throw new Interrupted(
      `connection closed after ${formatBytes(received)} of ${formatBytes(total)}`,
    );
  }
}

/** Aborts an attempt that receives nothing for `ms` (a silently dead connection). */
class Watchdog {
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  fired = false;
  readonly signal = this.controller.signal;

  constructor(private readonly ms: number) {
    this.kick();
  }

  kick(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.fired = true;
      this.controller.abort(new Error(`no data for ${this.ms / 1000}s`));
    }, this.ms);
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}

async function restart(paths: CachePaths, hash: PartHash): Promise<void> {
  await Bun.write(paths.part, "");
  hash.reset();
}
