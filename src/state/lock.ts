/**
 * rum's one lock: a file holding its owner's PID and a token, so two `rum up`
 * on one config (the VM lock) or two downloads of one image (the cache's
 * `<file>.lock`) never race. A lock whose owner is gone (killed, crashed) is
 * taken over; a waiter can give up after a time or on an abort signal.
 */
import { randomUUID } from "node:crypto";
import { link, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "pathe";
import { RumError } from "../errors";

export interface Lock {
  release(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Whether a lock file's text names a running owner; garbage counts as stale. */
function held(text: string): boolean {
  const owner = Number.parseInt(text, 10);
  return Number.isFinite(owner) && owner > 0 && alive(owner);
}

async function readLock(path: string): Promise<string | null> {
  try {
    return await readFile(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
}

/**
 * The lock file appears under its name already holding its content (hard link
 * of a finished temp file): an `open(wx)` + write would let a racing taker
 * read it empty, call it stale and take it too.
 */
async function tryCreate(path: string, mine: string): Promise<boolean> {
  const tmp = `${path}.${randomUUID()}`;
  await writeFile(tmp, mine, { mode: 0o600 }).catch(async (e: NodeJS.ErrnoException) => {
    if (e.code !== "ENOENT") throw e;
    // `rum destroy` removed the state dir while we waited: the VM starts afresh.
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await writeFile(tmp, mine, { mode: 0o600 });
  });
  try {
    await link(tmp, path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw e;
  } finally {
    await rm(tmp, { force: true });
  }
}

/**
 * Remove a dead owner's lock. It is renamed aside first (atomic, so of several
 * takers only one gets it); if another taker had already replaced it with a
 * live lock, that one is put back instead of being deleted.
 */
async function reap(path: string): Promise<void> {
  const aside = `${path}.stale-${randomUUID()}`;
  try {
    await rename(path, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
    throw e;
  }
  try {
    if (held((await readLock(aside)) ?? "")) await link(aside, path).catch(() => undefined);
  } finally {
    await rm(aside, { force: true });
  }
}

async function tryTake(path: string, mine: string): Promise<boolean> {
  for (;;) {
    if (await tryCreate(path, mine)) return true;
    const current = await readLock(path);
    if (current !== null && held(current)) return false;
    // Stale (its owner died without releasing it), or released meanwhile.
    if (current !== null) await reap(path);
  }
}

export interface LockOptions {
  /** What the lock guards, for the message when waiting ends. */
  what: string;
  /** How long to wait for a live owner (default: as long as it takes). */
  waitMs?: number;
  signal?: AbortSignal;
  /** Called once, with the owner's PID, when the lock is held by another process. */
  onWait?: (ownerPid: number) => void;
  pollMs?: number;
}

const ownerOf = (text: string | null) => Number.parseInt(text ?? "", 10);

/** Take the lock at `path`, waiting for another rum to finish with it. */
export async function takeLock(path: string, opts: LockOptions): Promise<Lock> {
  // The token tells this lock from another taker's in the same process.
  const mine = `${process.pid}\n${randomUUID()}\n`;
  const deadline = Date.now() + (opts.waitMs ?? Number.POSITIVE_INFINITY);
  let announced = false;
  while (!(await tryTake(path, mine))) {
    if (opts.signal?.aborted) {
      throw new RumError(`cancelled while waiting for another rum working on ${opts.what}`, {
        cause: opts.signal.reason,
      });
    }
    const owner = ownerOf(await readLock(path).catch(() => null));
    if (Date.now() >= deadline) {
      throw new RumError(
        `another rum command (PID ${Number.isFinite(owner) ? owner : "?"}) is working on ${opts.what}`,
        {
          hint: "wait for it to finish, or stop it; a lock left by a killed rum is cleared automatically",
        },
      );
    }
    if (!announced && Number.isFinite(owner)) {
      announced = true;
      opts.onWait?.(owner);
    }
    await Bun.sleep(opts.pollMs ?? 200);
  }
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      // Only our own lock: never one another taker holds.
      if ((await readLock(path)) === mine) await rm(path, { force: true });
    },
  };
}

/** Take the VM's lock, waiting up to `waitMs` for another rum to finish. */
export function lockVm(stateDir: string, what: string, waitMs = 0): Promise<Lock> {
  return takeLock(join(stateDir, "lock"), { what, waitMs });
}

/** Whether a live process holds the lock at `path` (its work must be left alone). */
export async function isLockHeld(path: string): Promise<boolean> {
  return held((await readLock(path).catch(() => null)) ?? "");
}
