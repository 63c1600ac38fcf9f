import { describe, expect, test } from "bun:test";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "pathe";
import { writeFileAtomic, writeJsonAtomic } from "../../src/util/atomic-write";

const dir = () => mkdtempSync(join(tmpdir(), "rum-atomic-"));

describe("write-then-rename", () => {
  test("replaces the file whole, with the exact mode whatever the umask, and leaves nothing else", async () => {
    const d = dir();
    const file = join(d, "state.json");
    writeFileSync(file, "old");
    const umask = process.umask(0o077);
    try {
      await writeJsonAtomic(file, { a: 1 }, 0o644);
    } finally {
      process.umask(umask);
    }
    expect(readFileSync(file, "utf8")).toBe('{\n  "a": 1\n}\n');
    expect(statSync(file).mode & 0o777).toBe(0o644);
    expect(readdirSync(d)).toEqual(["state.json"]);
    await writeFileAtomic(file, "key");
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  test("a write that fails keeps the old file and removes its temporary", async () => {
    const d = dir();
    // A directory where the file should go: the final rename fails.
    mkdirSync(join(d, "busy"));
    writeFileSync(join(d, "busy", "inside"), "x");
    await expect(writeFileAtomic(join(d, "busy"), "new")).rejects.toThrow();
    expect(readdirSync(d)).toEqual(["busy"]);
    expect(readdirSync(join(d, "busy"))).toEqual(["inside"]);
  });
});
