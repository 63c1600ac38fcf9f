/**
 * The sha256 of a local `[image] base` file, remembered by the file's identity.
 *
 * The digest names the image's base volume in the pool, so rum needs it on
 * every cold `rum up`; reading the whole file for it was the one step that
 * grows with the image (the test image's 170 MB took ~180 ms, a 600 MB cloud
 * image ~0.5 s, every time). rum keeps it in the image cache, keyed by the
 * file's path and stamped with device, inode, size, mtime and ctime in
 * nanoseconds: a write, a replacement (a new inode) or a touch changes the
 * stamp and the file is hashed again, and no user can set a ctime back.
 */
import { readFileSync, statSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "pathe";
import { writeJsonAtomic } from "../util/atomic-write";

/** In the image cache; the dot keeps it out of `rum image list`. */
export const DIGESTS_DIR = ".local-digests";

/** The file's identity now; taken before hashing and passed to rememberDigest. */
export function digestStamp(path: string): string {
  const s = statSync(path, { bigint: true });
  return [s.dev, s.ino, s.size, s.mtimeNs, s.ctimeNs].join(":");
}

function memoPath(cacheDir: string, path: string): string {
  const key = new Bun.CryptoHasher("sha256").update(path).digest("hex").slice(0, 32);
  return join(cacheDir, DIGESTS_DIR, `${key}.json`);
}

/** The remembered digest of `path` if the file is unchanged since, else null. */
export function rememberedDigest(cacheDir: string, path: string): string | null {
  try {
    const memo = JSON.parse(readFileSync(memoPath(cacheDir, path), "utf8"));
    return memo.path === path && memo.stamp === digestStamp(path) && typeof memo.sha256 === "string"
      ? memo.sha256
      : null;
  } catch {
    return null;
  }
}

/**
 * Remember `sha256` for `path` as stamped before it was hashed (a change
 * during the hash then leaves a stamp that no longer matches). Best effort:
 * a cache that can't be written only means hashing again next time.
 */
export async function rememberDigest(
  cacheDir: string,
  path: string,
  stamp: string,
  sha256: string,
): Promise<void> {
  try {
    await mkdir(join(cacheDir, DIGESTS_DIR), { recursive: true });
    await writeJsonAtomic(memoPath(cacheDir, path), { path, stamp, sha256 }, 0o644);
  } catch {
    // hashing again next time is the whole cost
  }
}
