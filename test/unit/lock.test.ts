// rum's one lock (src/state/lock.ts), as the VM lock and the image download lock: a live owner blocks, a dead one (SIGKILL,
// garbage in the file) is taken over, release frees it, and racing takers (in one
// process or in several) never hold it at the same time.
import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RumError } from "../../src/errors";
import { lockVm, takeLock } from "../../src/state/lock";

const LOCK_MODULE = join(import.meta.dir, "../../src/state/lock.ts");
const root = await mkdtemp(join(tmpdir(), "rum-lock-"));
let dir = "";
let n = 0;

beforeEach(async () => {
  dir = join(root, `vm${n++}`);
  await mkdir(dir);
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** A `bun -e` child that takes the lock, says "locked" and holds it until killed. */
async function holder(stateDir: string): Promise<Bun.Subprocess<"ignore", "pipe", "pipe">> {
  const code = `const { lockVm } = await import(${JSON.stringify(LOCK_MODULE)});
await lockVm(${JSON.stringify(stateDir)}, "test VM", 5000);
console.log("locked");
setInterval(() => {}, 1000);`;
  const child = Bun.spawn(["bun", "-e", code], { stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  const reader = child.stdout.getReader();
  const { value } = await reader.read();
  reader.releaseLock();
  const said = new TextDecoder().decode(value ?? new Uint8Array());
  if (!said.includes("locked")) {
    throw new Error(`holder did not lock: ${said} ${await new Response(child.stderr).text()}`);
  }
  return child;
}

describe("lockVm", () => {
  test("a lock held by a live process blocks a second taker, which fails after waitMs naming the PID", async () => {
    const child = await holder(dir);
    try {
      const started = Date.now();
      const err = await lockVm(dir, "VM demo", 600).then(
        () => null,
        (e: unknown) => e,
      );
      const waited = Date.now() - started;
      expect(err).toBeInstanceOf(RumError);
      const e = err as RumError;
      expect(e.exitCode).toBe(1);
      expect(e.message).toContain(`PID ${child.pid}`);
      expect(e.message).toContain("VM demo");
      expect(e.hint).toBeTruthy();
      expect(waited).toBeGreaterThanOrEqual(600);
      expect(waited).toBeLessThan(5000);
      // The failed taker left the owner's lock alone.
      expect((await readFile(join(dir, "lock"), "utf8")).trim()).toStartWith(String(child.pid));
    } finally {
      child.kill("SIGKILL");
      await child.exited;
    }
  });

  test("with waitMs = 0 a held lock fails at once", async () => {
    const first = await lockVm(dir, "VM demo");
    const started = Date.now();
    await expect(lockVm(dir, "VM demo", 0)).rejects.toThrow(`PID ${process.pid}`);
    expect(Date.now() - started).toBeLessThan(1000);
    await first.release();
  });

  test("a lock left by a process killed with SIGKILL is taken over", async () => {
    const child = await holder(dir);
    child.kill("SIGKILL");
    await child.exited;
    expect(existsSync(join(dir, "lock"))).toBe(true);
    const started = Date.now();
    const lock = await lockVm(dir, "VM demo", 0);
    expect(Date.now() - started).toBeLessThan(1000);
    expect((await readFile(join(dir, "lock"), "utf8")).trim()).toStartWith(String(process.pid));
    await lock.release();
  });

  for (const [what, content] of [
    ["garbage", "not a pid\n\u0000\u00ff"],
    ["an empty file", ""],
    ["a negative number", "-1\n"],
    ["PID 0", "0\n"],
    ["a PID beyond pid_max", "99999999\n"],
  ] as const) {
    test(`a lock file holding ${what} is treated as stale`, async () => {
      await writeFile(join(dir, "lock"), content);
      const lock = await lockVm(dir, "VM demo", 0);
      expect((await readFile(join(dir, "lock"), "utf8")).trim()).toStartWith(String(process.pid));
      await lock.release();
    });
  }

  test("release removes the lock file, twice is harmless, and the lock can be taken again", async () => {
    const lock = await lockVm(dir, "VM demo");
    expect(existsSync(join(dir, "lock"))).toBe(true);
    await lock.release();
    expect(existsSync(join(dir, "lock"))).toBe(false);
    await lock.release();
    const again = await lockVm(dir, "VM demo");
    await again.release();
    expect(existsSync(join(dir, "lock"))).toBe(false);
  });

  test("a waiter whose state dir is removed by the holder (rum destroy) gets the lock in a fresh 0700 dir", async () => {
    const first = await lockVm(dir, "VM demo");
    const waiting = lockVm(dir, "VM demo", 5000);
    await Bun.sleep(300);
    // What `rum destroy` does while holding the lock.
    await rm(dir, { recursive: true, force: true });
    await first.release();
    const second = await waiting;
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await readFile(join(dir, "lock"), "utf8")).trim()).toStartWith(String(process.pid));
    await second.release();
  });

  test("two concurrent takers in one process: exactly one holds it, the other gets it after release", async () => {
    const events: string[] = [];
    let holders = 0;
    let most = 0;
    const take = async (who: string) => {
      const lock = await lockVm(dir, "VM demo", 5000);
      holders++;
      most = Math.max(most, holders);
      events.push(`${who} in`);
      await Bun.sleep(300);
      events.push(`${who} out`);
      holders--;
      await lock.release();
    };
    await Promise.all([take("a"), take("b")]);
    expect(most).toBe(1);
    expect(events).toHaveLength(4);
    expect(events[0]?.split(" ")[0]).toBe(events[1]?.split(" ")[0]);
    expect(events[1]).toEndWith("out");
    expect(events[2]).toEndWith("in");
    expect(existsSync(join(dir, "lock"))).toBe(false);
  });

  // The VM lock and the image cache's download lock are one implementation; both are raced.
  const takers = {
    "VM lock": { file: "lock", take: `lockVm(process.argv[1], "race", 20000)` },
    "image download lock": {
      file: "disk.qcow2.lock",
      take: `takeLock(process.argv[1] + "/disk.qcow2.lock", { what: "race", pollMs: 250 })`,
    },
  };
  for (const [kind, { file, take }] of Object.entries(takers))
    for (const start of ["fresh", "stale"] as const) {
      test(`${kind}: eight processes racing for a ${start} lock never overlap`, async () => {
        // A stale lock makes every racer take the takeover path at once.
        if (start === "stale") await writeFile(join(dir, file), "99999999\n");
        // Each child appends "<pid> in"/"<pid> out" around a short critical section.
        const journal = join(dir, "journal");
        const code = `const { lockVm, takeLock } = await import(${JSON.stringify(LOCK_MODULE)});
const { appendFileSync } = await import("node:fs");
const lock = await ${take};
appendFileSync(${JSON.stringify(journal)}, process.pid + " in\\n");
await Bun.sleep(50);
appendFileSync(${JSON.stringify(journal)}, process.pid + " out\\n");
await lock.release();`;
        const children = Array.from({ length: 8 }, () =>
          Bun.spawn(["bun", "-e", code, dir], {
            stdout: "ignore",
            stderr: "pipe",
            stdin: "ignore",
          }),
        );
        const codes = await Promise.all(children.map((c) => c.exited));
        expect(codes).toEqual(Array(8).fill(0));
        const lines = (await readFile(journal, "utf8")).trim().split("\n");
        expect(lines).toHaveLength(16);
        for (let i = 0; i < lines.length; i += 2) {
          const [pid, inn] = (lines[i] as string).split(" ");
          expect(inn).toBe("in");
          expect(lines[i + 1]).toBe(`${pid} out`);
        }
        expect(existsSync(join(dir, file))).toBe(false);
      }, 60_000);
    }

  test("a waiter without a deadline gives up on its abort signal, leaving the owner's lock", async () => {
    const path = join(dir, "disk.qcow2.lock");
    const first = await takeLock(path, { what: "the download" });
    const abort = new AbortController();
    const waiting = takeLock(path, { what: "the download", signal: abort.signal, pollMs: 50 });
    setTimeout(() => abort.abort(), 200);
    await expect(waiting).rejects.toThrow("cancelled while waiting");
    expect((await readFile(path, "utf8")).trim()).toStartWith(String(process.pid));
    await first.release();
  });
});
