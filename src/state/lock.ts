/**
 * A per-VM lock so two `rum up` on one config never race. The lock file holds
 * the owner's PID; a lock whose owner is gone (killed, crashed) is taken over.
 */
import { open, readFile, rm } from "node:fs/promises";
import { join } from "pathe";
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

async function tryTake(path: string): Promise<boolean> {
  try {
    const fh = await open(path, "wx", 0o600);
    await fh.writeFile(`${process.pid}\n`);
    await fh.close();
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    const owner = Number.parseInt(await readFile(path, "utf8").catch(() => ""), 10);
    if (Number.isFinite(owner) && owner > 0 && alive(owner)) return false;
    // Stale: its owner died without releasing it.
    await rm(path, { force: true });
    return tryTake(path);
  }
}

/** Take the VM's lock, waiting up to `waitMs` for another rum to finish. */
export async function lockVm(stateDir: string, what: string, waitMs = 0): Promise<Lock> {
  const path = join(stateDir, "lock");
  const deadline = Date.now() + waitMs;
  while (!(await tryTake(path))) {
    if (Date.now() >= deadline) {
      const owner = (await readFile(path, "utf8").catch(() => "?")).trim();
      throw new RumError(`another rum command (PID ${owner}) is working on ${what}`, {
        hint: "wait for it to finish, or stop it; a lock left by a killed rum is cleared automatically",
      });
    }
    await Bun.sleep(200);
  }
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      await rm(path, { force: true });
    },
  };
}
