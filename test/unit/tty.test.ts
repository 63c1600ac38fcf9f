// util/tty.ts answers the scripted cases from fstat alone and agrees with
// node:tty on each.
import { describe, expect, test } from "bun:test";
import { closeSync, openSync } from "node:fs";
import { isatty as nodeIsatty } from "node:tty";
import { isatty } from "../../src/util/tty";

describe("isatty", () => {
  test("a file, /dev/null and /dev/zero are not terminals", () => {
    for (const path of [import.meta.path, "/dev/null", "/dev/zero"]) {
      const fd = openSync(path, "r");
      try {
        expect(isatty(fd)).toBe(false);
        expect(nodeIsatty(fd)).toBe(false);
      } finally {
        closeSync(fd);
      }
    }
  });

  test("a descriptor that is not open is not a terminal", () => {
    expect(isatty(987654)).toBe(false);
  });

  test("this process's stdio: the same answer as node:tty", () => {
    for (const fd of [0, 1, 2]) expect(isatty(fd)).toBe(nodeIsatty(fd));
  });

  test("a child's piped stdout is not a terminal", () => {
    const code = `import { isatty } from ${JSON.stringify(`${import.meta.dir}/../../src/util/tty`)}; process.exitCode = isatty(1) ? 1 : 0;`;
    const r = Bun.spawnSync([process.execPath, "-e", code], { stdout: "pipe" });
    expect(r.exitCode).toBe(0);
  });
});
