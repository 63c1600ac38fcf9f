// `rum snapshot` through the compiled binary, where no VM is needed: names are
// checked, restore asks first (and refuses without a terminal unless --yes),
// an unknown snapshot or a VM that does not exist is a clear error. Copies of
// real disks are made and restored in test/e2e/peers-features.test.ts.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rumBinary } from "../support/binary";

let tmp = "";
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "rum-snapshot-"));
  await writeFile(join(tmp, "rum.toml"), '[image]\nbase = "debian-12"\n');
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

function rum(...args: string[]) {
  const p = Bun.spawnSync([rumBinary(), ...args, "--connect", "test:///default"], {
    cwd: tmp,
    stdin: "ignore",
    env: { ...process.env, XDG_DATA_HOME: join(tmp, "data"), NO_COLOR: "1" },
  });
  return { code: p.exitCode, out: p.stdout.toString(), err: p.stderr.toString() };
}

test("list: none yet, as text and as JSON", () => {
  expect(rum("snapshot", "list").err).toContain("has no snapshots");
  const json = rum("snapshot", "list", "--json");
  expect(json.code).toBe(0);
  expect(JSON.parse(json.out)).toEqual([]);
});

test("names are checked before anything happens", () => {
  const r = rum("snapshot", "save", "Not OK");
  expect(r.code).toBe(2);
  expect(r.err).toContain('invalid snapshot name "Not OK"');
});

test("restore asks first: without a terminal it needs --yes; an unknown name is exit 2", () => {
  const ask = rum("snapshot", "restore", "clean");
  expect(ask.code).toBe(2);
  expect(ask.err).toContain("pass --yes");
  const unknown = rum("snapshot", "restore", "clean", "--yes");
  expect(unknown.code).toBe(2);
  expect(unknown.err).toContain('has no snapshot "clean"');
  expect(rum("snapshot", "delete", "clean").code).toBe(2);
});

test("a VM that does not exist has nothing to save; sub-commands and flags are checked", () => {
  const r = rum("snapshot", "save", "clean");
  expect(r.code).toBe(1);
  expect(r.err).toContain("is not created");
  expect(rum("snapshot", "take", "x").err).toContain("unknown sub-command `snapshot take`");
  // Flags may come before the sub-command, --connect's value included.
  const front = rum("snapshot", "--connect", "test:///default", "list", "--json");
  expect(front.code).toBe(0);
  expect(JSON.parse(front.out)).toEqual([]);
});
