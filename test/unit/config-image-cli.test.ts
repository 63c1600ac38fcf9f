// `[image] base` is checked when the config loads, through the compiled binary:
// the same knowledge as `rum image pull` (shorthands, schemes, local files
// relative to the config's folder), so validate, init and up all refuse a bad
// base with exit 2, the key path, its line and a hint, before any work.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "pathe";
import { rumBinary } from "../support/binary";

let dir = "";
const run = (args: string[], opts: { cwd?: string; path?: string } = {}) => {
  const r = Bun.spawnSync([rumBinary(), ...args], {
    cwd: opts.cwd ?? dir,
    env: {
      ...process.env,
      HOME: dir,
      XDG_DATA_HOME: join(dir, "data"),
      NO_COLOR: "1",
      PATH: opts.path ?? process.env.PATH ?? "",
    },
    stdin: "ignore",
  });
  return { code: r.exitCode, out: r.stdout.toString(), err: r.stderr.toString() };
};
const config = (name: string, base: string) => {
  const path = join(dir, name);
  writeFileSync(path, `name = "img"\n[image]\nbase = "${base}"\n`);
  return path;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "rum-image-rule-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("rum validate", () => {
  test("a typo'd shorthand: did you mean, in the problem and in the hint", () => {
    const r = run(["validate", "-c", config("typo.toml", "ubunto-24.04")]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      '  image.base: unknown image shorthand "ubunto-24.04" (did you mean "ubuntu-24.04"?) (line 3)',
    );
    expect(r.err).toMatch(/^hint: did you mean "ubuntu-24.04"\? `rum image search`/m);
  });
  test("a scheme that is not http(s) or file", () => {
    const r = run(["validate", "-c", config("scheme.toml", "htp://example.org/x.qcow2")]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      / {2}image\.base: unsupported URL scheme "htp:\/\/".*did you mean "http"\?.*\(line 3\)/,
    );
    expect(r.err).toMatch(/^hint: use an http\(s\):\/\/ or file:\/\/ URL/m);
  });
  test("a local file that does not exist, relative to the config's folder, not the cwd", () => {
    mkdirSync(join(dir, "proj"), { recursive: true });
    const path = join(dir, "proj", "rum.toml");
    writeFileSync(path, '[image]\nbase = "./disk.qcow2"\n');
    writeFileSync(join(dir, "disk.qcow2"), ""); // in the cwd: must not count
    const r = run(["validate", "-c", path]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`  image.base: ${join(dir, "proj", "disk.qcow2")} does not exist`);
    expect(r.err).toContain("(line 2)");
    writeFileSync(join(dir, "proj", "disk.qcow2"), "");
    expect(run(["validate", "-c", path]).code).toBe(0);
  });
  test("a folder is not an image; a missing file:// path is reported like a path", () => {
    mkdirSync(join(dir, "folder.qcow2"), { recursive: true });
    expect(run(["validate", "-c", config("dir.toml", "./folder.qcow2")]).err).toContain(
      "is not a file",
    );
    const r = run(["validate", "-c", config("url.toml", "file:///nonexistent/x.qcow2")]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("image.base: /nonexistent/x.qcow2 does not exist");
  });
  test("--json carries the key path, line and hint", () => {
    const r = run(["validate", "--json", "-c", config("json.toml", "ubunto-24.04")]);
    expect(JSON.parse(r.out)).toMatchObject({
      ok: false,
      error: { hint: expect.stringContaining('did you mean "ubuntu-24.04"?'), exitCode: 2 },
      errors: [{ path: "image.base", line: 3 }],
    });
  });
  test("shorthands, aliases and URLs pass", () => {
    for (const base of ["debian-12", "noble", "https://example.org/disk.img"]) {
      expect(run(["validate", "-c", config("ok.toml", base)]).code).toBe(0);
    }
  });
});

test("rum init --image nonsense-os refuses before writing", () => {
  const d = mkdtempSync(join(dir, "init-"));
  const r = run(["init", "--defaults", "--image", "nonsense-os"], { cwd: d });
  expect(r.code).toBe(2);
  expect(r.err).toContain('unknown image shorthand "nonsense-os"');
  expect(existsSync(join(d, "rum.toml"))).toBe(false);
});

test("rum up with a bad base exits 2 before touching libvirt, qemu-img or ssh", () => {
  // Fakes first on PATH record every call: none may happen.
  const bin = join(dir, "fake-bin");
  const calls = join(dir, "calls.log");
  mkdirSync(bin, { recursive: true });
  for (const tool of ["virsh", "qemu-img", "ssh", "ssh-keygen"]) {
    writeFileSync(join(bin, tool), `#!/bin/sh\necho "${tool} $*" >> "${calls}"\nexit 1\n`);
    chmodSync(join(bin, tool), 0o755);
  }
  for (const base of ["ubunto-24.04", "./missing.qcow2", "htp://example.org/x.img"]) {
    const r = run(["up", "-d", "-c", config("up.toml", base)], {
      path: `${bin}:${process.env.PATH}`,
    });
    expect(r.code).toBe(2);
    expect(r.err).toContain("image.base: ");
  }
  expect(existsSync(calls) ? readFileSync(calls, "utf8") : "").toBe("");
});
