/**
 * Download an image into the cache, verified, exactly once per URL.
 * The cache never holds an unverified file under its final name: bytes land
 * in `<final>.part`, are hashed as they are written, checked against the
 * pinned digest or the distribution's checksum list, and only then renamed.
 */
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { RumError } from "../errors";
import { takeLock } from "../state/lock";
import { writeJsonAtomic } from "../util/atomic-write";
import { type CachePaths, cachePaths, readSidecar, type Sidecar } from "./cache-entry";
import { fetchExpectedDigest } from "./checksum";
import { downloadAttempt } from "./download";
import { Interrupted } from "./http-errors";
import { type Digests, fileSize, PartHash } from "./part-file";
import { formatBytes } from "./progress";
import type { DownloadProgress } from "./rate";
import type { Digest, UrlImageSource } from "./resolve";

export interface FetchImageOptions {
  cacheDir: string;
  /** `[image] sha256`; wins over the source's own expected digest and checksum list. */
  expectedSha256?: string;
  onProgress?: (p: DownloadProgress) => void;
  /** One-line notices: resuming, waiting for another process, unverified image. */
  onNote?: (message: string) => void;
  signal?: AbortSignal;
  /** Automatic resumes after a dropped connection within this call (default 3). */
  retries?: number;
  /** Wait before retry n is n × this (default 1000 ms). */
  retryDelayMs?: number;
  /** Give up on an attempt that receives nothing for this long (default 60 s). */
  stallTimeoutMs?: number;
}

export interface CachedImage extends Sidecar {
  path: string;
  /** True when the verified file was already in the cache (no network used). */
  fromCache: boolean;
}

export async function fetchImage(
  src: UrlImageSource,
  opts: FetchImageOptions,
): Promise<CachedImage> {
  const paths = cachePaths(opts.cacheDir, src.url);
  await mkdir(opts.cacheDir, { recursive: true }).catch((e: unknown) => {
    throw new RumError(`cannot create the image cache ${opts.cacheDir}: ${(e as Error).message}`, {
      hint: "make it writable, or set XDG_CACHE_HOME to a writable directory",
      cause: e,
    });
  });
  const pinned: Digest | undefined = opts.expectedSha256
    ? { algo: "sha256", hex: opts.expectedSha256.toLowerCase() }
    : src.expected;
  const hit = await reuse(paths, src.url, pinned, false, opts);
  if (hit) return hit;

  const lock = await takeLock(paths.lock, {
    what: `the download of ${src.url}`,
    signal: opts.signal,
    pollMs: 250,
    onWait: (pid) =>
      opts.onNote?.(`waiting for process ${pid}, which is downloading the same image`),
  });
  try {
    // The other process may have finished it while we waited.
    const again = await reuse(paths, src.url, pinned, true, opts);
    if (again) return again;
    const expected =
      pinned ??
      (src.checksumUrl
        ? await fetchExpectedDigest(src.checksumUrl, src.url, opts.signal)
        : undefined);
    const hash = new PartHash(expected ? [expected.algo] : []);
    await downloadWithRetries(src.url, paths, hash, opts);
    const digests = hash.digests();
    await verify(expected, digests, paths, src.url);
    const size = await fileSize(paths.part);
    await rename(paths.part, paths.final);
    await rm(paths.partMeta, { force: true });
    const sidecar: Sidecar = {
      url: src.url,
      sha256: digests.sha256,
      size,
      downloadedAt: new Date().toISOString(),
      verifiedBy: !expected ? "none" : pinned ? "sha256" : "checksum-list",
    };
    await writeJsonAtomic(paths.sidecar, sidecar, 0o644);
    if (!expected) {
      opts.onNote?.(
        `no published checksum is known for ${src.url}; pin \`[image] sha256 = "${digests.sha256}"\` to detect changes`,
      );
    }
    return { ...sidecar, path: paths.final, fromCache: false };
  } finally {
    await lock.release();
  }
}

/**
 * The cached file, if it can be used as is. Under the lock, a final file whose
 * sidecar is missing or wrong becomes the `.part` again, so its bytes are
 * re-hashed and checked (and completed by Range if short) instead of refetched.
 */
async function reuse(
  paths: CachePaths,
  url: string,
  pinned: Digest | undefined,
  locked: boolean,
  opts: FetchImageOptions,
): Promise<CachedImage | undefined> {
  const size = await stat(paths.final).then(
    (s) => s.size,
    () => undefined,
  );
  if (size === undefined) return undefined;
  const sidecar = await readSidecar(paths.sidecar);
  const intact = sidecar?.url === url && sidecar.size === size;
  const wanted = pinned?.algo !== "sha256" || sidecar?.sha256 === pinned.hex;
  if (intact && wanted && sidecar) return { ...sidecar, path: paths.final, fromCache: true };
  if (!locked) return undefined;
  if (!intact) {
    opts.onNote?.("the cached copy has no valid record; checking it again");
    await rm(paths.sidecar, { force: true });
    await rename(paths.final, paths.part);
  } else {
    opts.onNote?.("the cached copy does not match `[image] sha256`; downloading again");
    await rm(paths.final, { force: true });
    await rm(paths.sidecar, { force: true });
  }
  return undefined;
}

async function downloadWithRetries(
  url: string,
  paths: CachePaths,
  hash: PartHash,
  opts: FetchImageOptions,
): Promise<void> {
  const retries = opts.retries ?? 3;
  let failures = 0;
  let restarts = 0;
  for (;;) {
    try {
      return await downloadAttempt(url, paths, hash, {
        cacheDir: opts.cacheDir,
        signal: opts.signal,
        stallTimeoutMs: opts.stallTimeoutMs ?? 60_000,
        onProgress: opts.onProgress,
        onNote: opts.onNote,
      });
    } catch (e) {
      if (!(e instanceof Interrupted)) throw e;
      if (e.immediate && ++restarts <= 3) continue;
      const have = await fileSize(paths.part);
      if (++failures > retries) {
        throw new RumError(`download interrupted: ${e.message} (${url})`, {
          hint: `run the same command again to resume from ${formatBytes(have)}; the partial file is kept at ${paths.part}`,
        });
      }
      opts.onNote?.(
        `${e.message}; resuming at ${formatBytes(have)} (retry ${failures} of ${retries})`,
      );
      await Bun.sleep((opts.retryDelayMs ?? 1000) * failures);
    }
  }
}

async function verify(
  expected: Digest | undefined,
  digests: Digests,
  paths: CachePaths,
  url: string,
): Promise<void> {
  if (!expected) return;
  const actual = digests[expected.algo];
  if (actual === expected.hex) return;
  await rm(paths.part, { force: true });
  await rm(paths.partMeta, { force: true });
  throw new RumError(`checksum mismatch for ${url}`, {
    details: [`expected ${expected.algo} ${expected.hex}`, `actual   ${expected.algo} ${actual}`],
    hint: "the download was corrupted or the file changed upstream: run again to download it afresh; if `[image] sha256` is pinned, check that it belongs to this URL",
  });
}
