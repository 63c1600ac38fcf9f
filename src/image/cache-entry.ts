/**
 * One cached image on disk: where its files live and its `.json` sidecar.
 * The final file only ever appears (by rename) after verification; the sidecar
 * records what was verified so a later run can reuse the file without hashing.
 */
import { readFile } from "node:fs/promises";
import { join } from "pathe";
import { urlFileName } from "./checksum";

export interface CachePaths {
  /** The verified image: `<cacheDir>/<sha256(url)[0:16]>-<basename>`. */
  final: string;
  /** The download in progress, kept across interrupted runs for resume. */
  part: string;
  /** Validator (ETag/Last-Modified) of the response the `.part` came from. */
  partMeta: string;
  /** Held by the one process downloading this URL. */
  lock: string;
  sidecar: string;
}

export interface Sidecar {
  url: string;
  sha256: string;
  size: number;
  downloadedAt: string;
  /** What the digest was checked against. */
  verifiedBy: "sha256" | "checksum-list" | "none";
}

export const SUFFIXES = { part: ".part", partMeta: ".part.json", lock: ".lock", sidecar: ".json" };

function urlKey(url: string): string {
  return new Bun.CryptoHasher("sha256").update(url).digest("hex").slice(0, 16);
}

/** A file name safe on any filesystem, still recognisable as the upstream name. */
function safeName(url: string): string {
  let name: string;
  try {
    name = urlFileName(url);
  } catch {
    name = "";
  }
  const clean = name.replace(/[^A-Za-z0-9._+-]/g, "_").replace(/^\.+/, "");
  return clean.slice(-120) || "image";
}

export function cachePaths(cacheDir: string, url: string): CachePaths {
  const final = join(cacheDir, `${urlKey(url)}-${safeName(url)}`);
  return {
    final,
    part: final + SUFFIXES.part,
    partMeta: final + SUFFIXES.partMeta,
    lock: final + SUFFIXES.lock,
    sidecar: final + SUFFIXES.sidecar,
  };
}

export async function readSidecar(path: string): Promise<Sidecar | undefined> {
  try {
    const data = JSON.parse(await readFile(path, "utf8")) as Partial<Sidecar>;
    if (typeof data.url !== "string" || typeof data.sha256 !== "string") return undefined;
    if (typeof data.size !== "number") return undefined;
    return {
      url: data.url,
      sha256: data.sha256,
      size: data.size,
      downloadedAt: String(data.downloadedAt ?? ""),
      verifiedBy: data.verifiedBy ?? "none",
    };
  } catch {
    return undefined;
  }
}

/**
 * The validator to send as If-Range when resuming: a strong ETag, else
 * Last-Modified. With it, a server whose file changed since the `.part` was
 * started answers 200 with the new file instead of splicing two versions.
 */
export function validatorOf(headers: Headers): string | undefined {
  const etag = headers.get("etag");
  if (etag && !etag.startsWith("W/")) return etag;
  return headers.get("last-modified") ?? undefined;
}

export async function readPartMeta(path: string, url: string): Promise<string | undefined> {
  try {
    const meta = JSON.parse(await readFile(path, "utf8")) as { url?: string; validator?: string };
    return meta.url === url ? meta.validator : undefined;
  } catch {
    return undefined;
  }
}
