/**
 * The image cache as the user sees it (`rum image list/delete/clear`).
 * Location: `$XDG_CACHE_HOME/rum/images`, default `~/.cache/rum/images`.
 */
import { readdir, rm, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { basename, isAbsolute, join } from "pathe";
import { UsageError } from "../errors";
import { isLockHeld } from "../state/lock";
import { didYouMean } from "../util/suggest";
import { readSidecar, SUFFIXES } from "./cache-entry";
import { urlFileName } from "./checksum";
import { DIGESTS_DIR } from "./local-digest";
import { findByUrl } from "./registry";

export interface CacheEntry {
  /** The registry shorthand when the URL is a registry image, else the URL's file name. */
  name: string;
  /** The file name in the cache directory. */
  file: string;
  url: string;
  size: number;
  sha256: string;
  downloadedAt: string;
  path: string;
}

export function imageCacheDir(env: Record<string, string | undefined> = process.env): string {
  // XDG says a relative XDG_CACHE_HOME is invalid and must be ignored.
  const xdg = env.XDG_CACHE_HOME;
  const root = xdg && isAbsolute(xdg) ? xdg : join(env.HOME || homedir(), ".cache");
  return join(root, "rum", "images");
}

const isAux = (f: string) =>
  Object.values(SUFFIXES).some((s) => f.endsWith(s)) || f.endsWith(".tmp");

/**
 * The cache's entries; dot-files are rum's own bookkeeping (local-digest.ts), not
 * images, but a hidden `.tmp` is a write cut short (util/atomic-write.ts): clear removes it.
 */
async function names(cacheDir: string): Promise<string[]> {
  try {
    return (await readdir(cacheDir)).filter((f) => !f.startsWith(".") || f.endsWith(".tmp"));
  } catch {
    return [];
  }
}

/** Complete, verified images (those with a sidecar), newest first. */
export async function listCache(cacheDir: string): Promise<CacheEntry[]> {
  const out: CacheEntry[] = [];
  for (const file of await names(cacheDir)) {
    if (isAux(file)) continue;
    const path = join(cacheDir, file);
    const sidecar = await readSidecar(path + SUFFIXES.sidecar);
    if (!sidecar) continue;
    const size = await stat(path).then(
      (s) => s.size,
      () => undefined,
    );
    if (size === undefined) continue;
    out.push({
      name: findByUrl(sidecar.url)?.name ?? safeFileName(sidecar.url, file),
      file,
      url: sidecar.url,
      size,
      sha256: sidecar.sha256,
      downloadedAt: sidecar.downloadedAt,
      path,
    });
  }
  return out.sort((a, b) => b.downloadedAt.localeCompare(a.downloadedAt));
}

function safeFileName(url: string, fallback: string): string {
  try {
    return urlFileName(url);
  } catch {
    return fallback;
  }
}

/**
 * Delete the entries `what` names: a shorthand, the URL's file name, the
 * cache file name, or the URL. Several matches (the same file name from two
 * URLs) are a usage error listing them, so nothing is deleted by surprise.
 */
export async function deleteCached(cacheDir: string, what: string): Promise<CacheEntry> {
  const entries = await listCache(cacheDir);
  const matches = entries.filter(
    (e) => e.name === what || e.file === what || e.url === what || basename(e.url) === what,
  );
  if (matches.length === 0) {
    const known = entries.flatMap((e) => [e.name, e.file]);
    throw new UsageError(`no cached image named "${what}"${didYouMean(what, known)}`, {
      hint: "`rum image list` shows the cached images",
    });
  }
  if (matches.length > 1) {
    throw new UsageError(`"${what}" matches ${matches.length} cached images`, {
      details: matches.map((m) => `${m.file}  (${m.url})`),
      hint: "name one by its cache file name, as shown by `rum image list`",
    });
  }
  const entry = matches[0] as CacheEntry;
  for (const suffix of ["", ...Object.values(SUFFIXES)]) {
    await rm(entry.path + suffix, { force: true });
  }
  return entry;
}

/**
 * Remove everything in the cache, partial downloads included, except a
 * download another live process is doing right now (`skipped` counts those).
 */
export async function clearCache(
  cacheDir: string,
): Promise<{ files: number; bytes: number; skipped: number }> {
  let files = 0;
  let bytes = 0;
  const all = await names(cacheDir);
  const busy = new Set<string>();
  for (const f of all) {
    if (f.endsWith(SUFFIXES.lock) && (await isLockHeld(join(cacheDir, f)))) {
      busy.add(f.slice(0, -SUFFIXES.lock.length));
    }
  }
  for (const file of all) {
    if ([...busy].some((b) => file.startsWith(b))) continue;
    const path = join(cacheDir, file);
    const size = await stat(path).then(
      (s) => s.size,
      () => 0,
    );
    await rm(path, { force: true, recursive: true });
    if (!isAux(file) || file.endsWith(SUFFIXES.part)) {
      files++;
      bytes += size;
    }
  }
  await rm(join(cacheDir, DIGESTS_DIR), { force: true, recursive: true });
  return { files, bytes, skipped: busy.size };
}
