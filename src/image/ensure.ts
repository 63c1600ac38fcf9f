/**
 * `[image] base` → a verified local disk image. The one path used by both
 * `rum up` and `rum image pull`: resolve, download into the cache if needed
 * (or take the local file), then check the format with qemu-img.
 */
import { rm, stat } from "node:fs/promises";
import type { Arch } from "../config/arch";
import { RumError } from "../errors";
import { checkImageFormat } from "../host/qemu-img";
import { imageCacheDir } from "./cache";
import { SUFFIXES } from "./cache-entry";
import { fetchImage } from "./fetch";
import { digestStamp, rememberDigest, rememberedDigest } from "./local-digest";
import type { DownloadProgress } from "./rate";
import { type FileImageSource, resolveImage } from "./resolve";

export interface EnsureImageOptions {
  /** Folder of rum.toml: relative paths in `base` start here. */
  configDir: string;
  /** `[image] sha256`. */
  sha256?: string;
  /** The guest's arch, which decides a shorthand's image (default: the host's). */
  arch?: Arch;
  /** Default: imageCacheDir(). */
  cacheDir?: string;
  onProgress?: (p: DownloadProgress) => void;
  onNote?: (message: string) => void;
  signal?: AbortSignal;
}

export interface ReadyImage {
  path: string;
  sha256: string;
  format: "qcow2" | "raw";
  virtualSize: number;
  /** Bytes of the file. */
  size: number;
  /** "cache": reused; "download": fetched now; "file": a local path from the config. */
  source: "cache" | "download" | "file";
  url?: string;
  /** For downloads: what the digest was checked against ("none": no checksum known). */
  verifiedBy?: "sha256" | "checksum-list" | "none";
}

export async function ensureImage(base: string, opts: EnsureImageOptions): Promise<ReadyImage> {
  const src = resolveImage(base, opts.configDir, { sha256: opts.sha256, arch: opts.arch });
  const cacheDir = opts.cacheDir ?? imageCacheDir();
  if (src.kind === "file") return localImage(src, cacheDir, opts.signal);
  const cached = await fetchImage(src, {
    cacheDir,
    expectedSha256: opts.sha256,
    onProgress: opts.onProgress,
    onNote: opts.onNote,
    signal: opts.signal,
  });
  let info: Awaited<ReturnType<typeof checkImageFormat>>;
  try {
    info = await checkImageFormat(cached.path);
  } catch (e) {
    // Whatever it is, it is no use in the cache: the next run fetches again.
    if (e instanceof RumError && !cached.fromCache) {
      for (const s of ["", SUFFIXES.sidecar]) await rm(cached.path + s, { force: true });
    }
    throw e;
  }
  return {
    path: cached.path,
    sha256: cached.sha256,
    format: info.format,
    virtualSize: info.virtualSize,
    size: cached.size,
    source: cached.fromCache ? "cache" : "download",
    url: cached.url,
    verifiedBy: cached.verifiedBy,
  };
}

async function localImage(
  src: FileImageSource,
  cacheDir: string,
  signal?: AbortSignal,
): Promise<ReadyImage> {
  const st = await stat(src.path).catch(() => undefined);
  if (!st?.isFile()) {
    throw new RumError(`image file not found: ${src.path}`, {
      hint: "fix `[image] base` (a relative path starts at the folder of rum.toml), or use a shorthand from `rum image search`",
    });
  }
  const info = await checkImageFormat(src.path);
  const sha256 =
    rememberedDigest(cacheDir, src.path) ?? (await hashLocalImage(src.path, cacheDir, signal));
  if (src.expected && src.expected.hex !== sha256) {
    throw new RumError(`checksum mismatch for ${src.path}`, {
      details: [`expected sha256 ${src.expected.hex}`, `actual   sha256 ${sha256}`],
      hint: "the file is not the one `[image] sha256` describes: fix the digest or the path",
    });
  }
  return {
    path: src.path,
    sha256,
    format: info.format,
    virtualSize: info.virtualSize,
    size: st.size,
    source: "file",
  };
}

async function hashLocalImage(path: string, cacheDir: string, signal?: AbortSignal) {
  const stamp = digestStamp(path);
  const hasher = new Bun.CryptoHasher("sha256");
  for await (const chunk of Bun.file(path).stream()) {
    if (signal?.aborted)
      throw new RumError("cancelled while hashing the image", { cause: signal.reason });
    hasher.update(chunk);
  }
  const sha256 = hasher.digest("hex");
  await rememberDigest(cacheDir, path, stamp, sha256);
  return sha256;
}
