/**
 * One downloader per URL. Two `rum up` runs wanting the same image share one
 * `.part` file, so the second waits for the first instead of writing beside it.
 *
 * Why a lock file rather than a private `<final>.part.<pid>`: a private part
 * file would make two processes download the same gigabytes twice, and a
 * download interrupted by Ctrl-C could never be resumed by the next run (its
 * PID differs). With the lock, the `.part` name stays stable, so resume works,
 * and the waiting process finds the finished file in the cache afterwards.
 *
 * The lock is `<final>.lock`, created with O_EXCL ("wx") and holding the
 * owner's PID. A lock whose PID is gone (killed run) is stale and taken over.
 * Two processes taking over the same stale lock at the same instant could
 * both proceed; the digest check still keeps a corrupt result out of the cache.
 */
import { open, readFile, stat, unlink } from "node:fs/promises";
import { RumError } from "../errors";

export interface LockOptions {
  signal?: AbortSignal;
  /** Called once when the lock is held by another live process. */
  onWait?: (ownerPid: number) => void;
  pollMs?: number;
}

export type Release = () => Promise<void>;

const EMPTY_LOCK_GRACE_MS = 5000;

export async function acquireLock(path: string, opts: LockOptions = {}): Promise<Release> {
  let announced = false;
  for (;;) {
    if (opts.signal?.aborted) {
      throw new RumError("cancelled while waiting for another download", {
        cause: opts.signal.reason,
      });
    }
    if (await tryCreate(path)) return () => unlink(path).catch(() => undefined);
    const owner = await readOwner(path);
    if (owner === undefined) continue; // vanished between create and read: try again
    if (Number.isNaN(owner) && (await ageMs(path)) < EMPTY_LOCK_GRACE_MS) {
      // Its creator has not written its PID yet.
      await Bun.sleep(50);
      continue;
    }
    if (!isAlive(owner)) {
      // Re-read right before removing, so a lock another process just took over survives.
      if ((await readOwner(path)) === owner) await unlink(path).catch(() => undefined);
      continue;
    }
    if (!announced) {
      announced = true;
      opts.onWait?.(owner);
    }
    await Bun.sleep(opts.pollMs ?? 250);
  }
}

/** Whether a live process holds the lock at `path` (used to leave its download alone). */
export async function isLockHeld(path: string): Promise<boolean> {
  const owner = await readOwner(path);
  return owner !== undefined && isAlive(owner);
}

async function tryCreate(path: string): Promise<boolean> {
  try {
    const fh = await open(path, "wx");
    await fh.writeFile(`${process.pid}\n`);
    await fh.close();
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw new RumError(`cannot create the lock file ${path}: ${(e as Error).message}`, {
      hint: "check that the image cache directory is writable (or set XDG_CACHE_HOME)",
      cause: e,
    });
  }
}

/** The PID in the lock file; NaN for an unreadable/empty one (treated as stale). */
async function readOwner(path: string): Promise<number | undefined> {
  try {
    return Number.parseInt(await readFile(path, "utf8"), 10);
  } catch {
    return undefined;
  }
}

async function ageMs(path: string): Promise<number> {
  try {
    return Date.now() - (await stat(path)).mtimeMs;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
