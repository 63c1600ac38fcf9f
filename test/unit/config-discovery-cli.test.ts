// Finding the config, through the compiled binary: rum.toml is looked for in
// parent folders (like git), up to $HOME; a subfolder means the same VM; a
// folder of named configs gets a hint naming them; and `rum init` on a
// terminal refuses an existing file before asking anything.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "pathe";
import { rumBinary } from "../support/binary";

let root = "";
let home = "";
const run = (cwd: string, ...args: string[]) => {
  const r = Bun.spawnSync([rumBinary(), ...args], {
    cwd,
    env: { ...process.env, HOME: home, XDG_DATA_HOME: join(home, "data"), NO_COLOR: "1" },
    stdin: "ignore",
  });
  return { code: r.exitCode, out: r.stdout.toString(), err: r.stderr.toString() };
};
const minimal = '[image]\nbase = "debian-12"\n';

beforeAll(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), "rum-discovery-")));
  home = join(root, "home");
  mkdirSync(join(home, "proj", "src", "deep"), { recursive: true });
  writeFileSync(join(home, "proj", "rum.toml"), minimal);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("discovery walks up", () => {
  test("from a subfolder: the same file, VM and domain as from the project folder", () => {
    const top = run(join(home, "proj"), "validate", "--json");
    const deep = run(join(home, "proj", "src", "deep"), "validate", "--json");
    expect(top.code).toBe(0);
    expect(deep.code).toBe(0);
    const [a, b] = [JSON.parse(top.out), JSON.parse(deep.out)];
    expect(b.path).toBe(join(home, "proj", "rum.toml"));
    expect(b).toMatchObject({ path: a.path, name: "proj", domain: a.domain });
    // Text output names the file used, and stderr says it came from a parent.
    const text = run(join(home, "proj", "src"), "validate");
    expect(text.out).toStartWith(`# config: ${join(home, "proj", "rum.toml")}\n`);
    expect(text.err).toContain(`using ${join(home, "proj", "rum.toml")}`);
  });
  test("stops at $HOME (inclusive): a rum.toml above it is not used", () => {
    writeFileSync(join(root, "rum.toml"), minimal);
    try {
      mkdirSync(join(home, "other"), { recursive: true });
      const r = run(join(home, "other"), "validate");
      expect(r.code).toBe(2);
      expect(r.err).toContain(`no rum.toml in ${join(home, "other")} or its parent folders`);
      writeFileSync(join(home, "rum.toml"), minimal);
      expect(JSON.parse(run(join(home, "other"), "validate", "--json").out).path).toBe(
        join(home, "rum.toml"),
      );
    } finally {
      rmSync(join(root, "rum.toml"), { force: true });
      rmSync(join(home, "rum.toml"), { force: true });
    }
  });
  test("a folder of named configs: the hint names each, the parent's rum.toml is not taken", () => {
    const multi = join(home, "proj", "multi");
    mkdirSync(multi, { recursive: true });
    writeFileSync(join(multi, "web.rum.toml"), minimal);
    writeFileSync(join(multi, "db.rum.toml"), minimal);
    const r = run(multi, "status");
    expect(r.code).toBe(2);
    expect(r.err).toContain(`error: no rum.toml in ${multi}\n`);
    expect(r.err).toContain("hint: pick one with `-c db.rum.toml` or `-c web.rum.toml`");
    expect(r.err).not.toContain("rum init");
  });
});

test("rum init on a terminal: an existing file is refused before any question", () => {
  const dir = join(home, "proj");
  // `script` gives rum a real terminal; a prompt would wait for keys until the timeout.
  const r = Bun.spawnSync(["script", "-qec", `${rumBinary()} init`, "/dev/null"], {
    cwd: dir,
    env: { ...process.env, HOME: home, NO_COLOR: "1", TERM: "dumb" },
    stdin: "pipe",
    timeout: 10_000,
  });
  const out = r.stdout.toString();
  expect(r.exitCode).toBe(2);
  expect(out).toContain("already exists");
  expect(out).toContain("--force");
  expect(out).not.toContain("Base image");
});
