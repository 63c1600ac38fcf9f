// The guest side of the inotify replay, run here in bash on a scratch folder: hostile
// file names arrive as one path each (NUL-separated, never parsed by a shell), a touch
// keeps content and sets the host's exact mtime, a delete leaves nothing behind and
// never removes a name that exists again.
import { afterAll, describe, expect, test } from "bun:test";
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeReplays, GUEST_REPLAY_SCRIPT, touchTime } from "../../src/watch/replay";

const dir = join(tmpdir(), `rum-replay-${randomUUID()}`);
/** Names hold no `/`: the payloads touch a relative file, in the folder bash runs in. */
const PWNED = "rum-pwned";
const cwd = join(dir, "cwd");
mkdirSync(cwd, { recursive: true });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HOSTILE = [
  `$(touch ${PWNED})`,
  `\`touch ${PWNED}\``,
  `; touch ${PWNED}`,
  "new\nline",
  "-rf",
  "--",
  "a=b",
  " lead and trail ",
  'quote\'s "dq"',
  "ünï 🐍 \\ *?[x]",
];

function replay(records: string): void {
  const r = Bun.spawnSync(["bash", "-c", GUEST_REPLAY_SCRIPT], {
    stdin: Buffer.from(records),
    cwd,
  });
  expect(r.exitCode).toBe(0);
}

describe("replay script", () => {
  test("touch: exact host mtime, content unchanged, for every hostile name", () => {
    const mtimeNs = 1_700_000_000_123_456_789n;
    for (const name of HOSTILE) writeFileSync(join(dir, name), "content");
    const records = encodeReplays(
      HOSTILE.map((name) => ({ op: "touch" as const, path: name, mtimeNs, dir: false })),
      (p) => join(dir, p),
    );
    replay(records);
    for (const name of HOSTILE) {
      const s = statSync(join(dir, name), { bigint: true });
      expect(s.mtimeNs).toBe(mtimeNs);
      expect(readFileSync(join(dir, name), "utf8")).toBe("content");
    }
    expect(existsSync(join(cwd, PWNED))).toBe(false);
  });

  test("touch of a file that is gone again creates nothing", () => {
    replay(
      encodeReplays([{ op: "touch", path: "never", mtimeNs: 1n, dir: false }], (p) => join(dir, p)),
    );
    expect(existsSync(join(dir, "never"))).toBe(false);
  });

  test("delete: the name is left absent; an existing file of that name is not touched", () => {
    writeFileSync(join(dir, "back again"), "keep");
    const names = [...HOSTILE.map((n) => `${n}.deleted`), "back again"];
    replay(
      encodeReplays(
        names.map((path) => ({ op: "delete" as const, path })),
        (p) => join(dir, p),
      ),
    );
    for (const n of HOSTILE) expect(existsSync(join(dir, `${n}.deleted`))).toBe(false);
    expect(readFileSync(join(dir, "back again"), "utf8")).toBe("keep");
    expect(existsSync(join(cwd, PWNED))).toBe(false);
  });

  test("touchTime keeps nanoseconds", () => {
    expect(touchTime(1_700_000_000_000_000_001n)).toBe("1700000000.000000001");
  });
});

describe("replay script retries", () => {
  test("a record whose name is not there yet is applied once it appears, records behind it are not held up", async () => {
    const late = join(dir, "late");
    const other = join(dir, "other");
    writeFileSync(other, "o");
    const child = Bun.spawn(["bash", "-c", GUEST_REPLAY_SCRIPT], { stdin: "pipe", cwd });
    const mtimeNs = 1_600_000_000_000_000_000n;
    child.stdin.write(
      encodeReplays(
        [
          { op: "touch", path: "late", mtimeNs, dir: false },
          { op: "touch", path: "other", mtimeNs, dir: false },
        ],
        (p) => join(dir, p),
      ),
    );
    await child.stdin.flush();
    // Polled, not slept: a loaded CI host may take a while to start bash. "other"
    // must land while "late" still waits (its retry window is 2 s).
    const landed = async (f: string, ms: number) => {
      for (const end = Date.now() + ms; Date.now() < end; await Bun.sleep(20)) {
        if (existsSync(f) && statSync(f, { bigint: true }).mtimeNs === mtimeNs) return true;
      }
      return false;
    };
    expect(await landed(other, 1500)).toBe(true);
    expect(existsSync(late)).toBe(false);
    writeFileSync(late, "l"); // as a guest whose name cache caught up would see it
    expect(await landed(late, 3000)).toBe(true);
    await child.stdin.end();
    expect(await child.exited).toBe(0);
  });
});
