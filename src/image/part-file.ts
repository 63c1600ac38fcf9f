/**
 * The `.part` file and the digests of the bytes in it. A hash's internal state
 * cannot be saved between runs, so a resumed download first re-hashes the bytes
 * already on disk, then continues hashing what arrives. Bytes are hashed only
 * after they are written, so "hashed" always equals the file's length.
 *
 * Writes go through a node FileHandle, not a Bun FileSink: with Bun 1.4 a
 * FileSink reports ENOSPC as an unhandled rejection after `end()` resolved
 * (seen here on a full tmpfs), which would turn "disk full" into a crash.
 */
import { type FileHandle, open, stat } from "node:fs/promises";
import { RumError } from "../errors";
import type { DigestAlgo } from "./resolve";

export type Digests = { sha256: string } & Partial<Record<DigestAlgo, string>>;

export class PartHash {
  private hashers = new Map<DigestAlgo, Bun.CryptoHasher>();
  /** Bytes of the `.part` covered by the hashers. */
  hashed = 0;

  constructor(private readonly algos: readonly DigestAlgo[]) {
    this.reset();
  }

  reset(): void {
    this.hashers = new Map(
      [...new Set<DigestAlgo>(["sha256", ...this.algos])].map((a) => [a, new Bun.CryptoHasher(a)]),
    );
    this.hashed = 0;
  }

  update(chunk: Uint8Array): void {
    for (const h of this.hashers.values()) h.update(chunk);
    this.hashed += chunk.byteLength;
  }

  digests(): Digests {
    const out: Partial<Record<DigestAlgo, string>> = {};
    for (const [algo, h] of this.hashers) out[algo] = h.copy().digest("hex");
    return out as Digests;
  }

  /** Hash the part file from the start (after a restart of the process or a failed write). */
  async rehash(path: string, onBytes: (n: number) => void): Promise<void> {
    this.reset();
    for await (const chunk of Bun.file(path).stream()) {
      this.update(chunk);
      onBytes(this.hashed);
    }
  }
}

export async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

const BATCH_BYTES = 1 << 20;

/** Appends network chunks to the `.part` in ~1 MiB batches, hashing each batch once written. */
export class PartWriter {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;

  private constructor(
    private readonly fh: FileHandle,
    private readonly hash: PartHash,
    private readonly cacheDir: string,
  ) {}

  static async open(path: string, append: boolean, hash: PartHash, cacheDir: string) {
    try {
      return new PartWriter(await open(path, append ? "a" : "w"), hash, cacheDir);
    } catch (e) {
      throw writeError(e, path, cacheDir);
    }
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.pending.push(chunk);
    this.pendingBytes += chunk.byteLength;
    if (this.pendingBytes >= BATCH_BYTES) await this.flush();
  }

  async flush(): Promise<void> {
    if (!this.pending.length) return;
    const batch = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    try {
      await this.fh.writev(batch);
    } catch (e) {
      throw writeError(e, "", this.cacheDir);
    }
    for (const c of batch) this.hash.update(c);
  }

  async close(): Promise<void> {
    await this.fh.close().catch(() => undefined);
  }
}

function writeError(e: unknown, path: string, cacheDir: string): RumError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "ENOSPC" || code === "EDQUOT") {
    return new RumError(`no space left in the image cache ${cacheDir}`, {
      hint: "free space there (`rum image clear` removes cached images) or point XDG_CACHE_HOME at a bigger disk; run again to resume: the partial download is kept",
      cause: e,
    });
  }
  return new RumError(
    `cannot write ${path || "the download"} in ${cacheDir}: ${(e as Error).message}`,
    {
      hint: "check that the image cache directory is writable (or set XDG_CACHE_HOME)",
      cause: e,
    },
  );
}
