// The inotify replay's host side without a guest: batching per window, echo
// suppression (the guest's own touch and mkdir+rmdir come back as host events),
// and which paths are never replayed (.git internals, `ignore` globs).
import { describe, expect, test } from "bun:test";
import { globRegExp, ignoreMatcher } from "../../src/watch/ignore";
import { ChangeQueue, type PathState, type Replay } from "../../src/watch/queue";

function queue(states: Map<string, PathState>, clock = { now: 0 }) {
  const emitted: Replay[][] = [];
  const q = new ChangeQueue({
    windowMs: 20,
    quietMs: 500,
    stat: (p) => states.get(p) ?? null,
    emit: (r) => emitted.push(r),
    now: () => clock.now,
  });
  return { q, emitted, clock };
}

const file = (mtimeNs: bigint): PathState => ({ dir: false, mtimeNs });

describe("ChangeQueue", () => {
  test("many events for one path within the window are one replay, after the window", async () => {
    const states = new Map([["a.txt", file(5n)]]);
    const { q, emitted } = queue(states);
    for (let i = 0; i < 10; i++) q.add("a.txt");
    q.add("b.txt");
    expect(emitted).toEqual([]);
    await Bun.sleep(60);
    expect(emitted).toEqual([
      [
        { op: "touch", path: "a.txt", mtimeNs: 5n, dir: false },
        { op: "delete", path: "b.txt" },
      ],
    ]);
  });

  test("the echo of a replayed touch (same mtime) is not replayed again; a new mtime is", () => {
    const states = new Map([["a", file(1n)]]);
    const { q, emitted } = queue(states);
    q.add("a");
    q.flush();
    q.add("a"); // the guest's touch -m: same mtime
    expect(q.flush()).toEqual([]);
    states.set("a", file(2n));
    q.add("a");
    expect(q.flush()).toEqual([{ op: "touch", path: "a", mtimeNs: 2n, dir: false }]);
    expect(emitted.length).toBe(2);
  });

  test("a rename is the old name's delete and the new name's touch", () => {
    const states = new Map([["new", file(3n)]]);
    const { q } = queue(states);
    q.add("old");
    q.add("new");
    expect(q.flush()).toEqual([
      { op: "delete", path: "old" },
      { op: "touch", path: "new", mtimeNs: 3n, dir: false },
    ]);
  });

  test("after a replayed delete, the guest's mkdir+rmdir echo waits out the quiet time and is dropped", () => {
    const states = new Map<string, PathState>();
    const { q, clock } = queue(states);
    q.add("gone");
    expect(q.flush()).toEqual([{ op: "delete", path: "gone" }]);
    // The echo, caught between the guest's mkdir and rmdir.
    states.set("gone", { dir: true, mtimeNs: 9n });
    clock.now = 100;
    q.add("gone");
    expect(q.flush()).toEqual([]);
    states.delete("gone");
    clock.now = 600;
    expect(q.flush()).toEqual([]);
    q.close();
  });

  test("a name waiting out a delete's quiet time does not hold up other names", async () => {
    const states = new Map<string, PathState>();
    const { q, emitted, clock } = queue(states);
    q.add("gone");
    q.flush();
    clock.now = 100;
    q.add("gone"); // the guest's mkdir+rmdir echo: waits until 500
    q.flush();
    states.set("new", file(4n));
    q.add("new");
    await Bun.sleep(60); // the window (20 ms), far less than the quiet time
    expect(emitted.at(-1)).toEqual([{ op: "touch", path: "new", mtimeNs: 4n, dir: false }]);
    q.close();
  });

  test("a file recreated on the host after the quiet time is replayed", () => {
    const states = new Map<string, PathState>();
    const { q, clock } = queue(states);
    q.add("x");
    q.flush();
    clock.now = 2000;
    states.set("x", file(7n));
    q.add("x");
    expect(q.flush()).toEqual([{ op: "touch", path: "x", mtimeNs: 7n, dir: false }]);
  });
});

describe("ignore", () => {
  const ignored = ignoreMatcher(["node_modules", "*.log", "build/**", "/dist", "a/**/z"]);
  test.each([
    [".git/objects/ab/cdef", true],
    ["sub/.git/index", true],
    [".gitignore", false],
    ["node_modules/x/y.js", true],
    ["src/node_modules/x", true],
    ["debug.log", true],
    ["logs/app.log", true],
    ["app.log.txt", false],
    ["build/out/x.o", true],
    ["src/build/x", false],
    ["dist/x", true],
    ["a/z", true],
    ["a/b/c/z", true],
    ["src/main.ts", false],
  ])("%s ignored: %p", (path, expected) => {
    expect(ignored(path)).toBe(expected);
  });

  test("glob characters other than * and ? are literal", () => {
    expect(globRegExp("a+(b)[c].$").test("a+(b)[c].$")).toBe(true);
    expect(globRegExp("a?c").test("a/c")).toBe(false);
  });
});
