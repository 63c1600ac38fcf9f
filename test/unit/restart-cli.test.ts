// `rum restart` through the compiled binary, where no VM is needed: it takes
// up's flags (and only those), and a config that does not load stops it
// before the VM is touched (exit 2, not a libvirt error from the shutdown).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rumIn } from "../support/binary";

let tmp = "";
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "rum-restart-"));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

const rum = (...args: string[]) => rumIn(tmp, args);

test("up's flags are restart's flags", () => {
  const help = rum("restart", "--help");
  expect(help.code).toBe(0);
  for (const flag of ["--reset", "-d, --detach", "--no-wait", "--connect URI"])
    expect(help.out).toContain(flag);
  const bad = rum("restart", "--force");
  expect(bad.code).toBe(2);
  expect(bad.err).toContain("--force");
});

test("a config that does not load stops the restart before the VM is touched", async () => {
  await writeFile(join(tmp, "rum.toml"), '[image]\nbase = "debian-12"\n[resources]\ncpus = 0\n');
  // An unreachable libvirt would fail with exit 1; the config is checked first.
  const r = rum("restart", "-d", "--connect", "qemu+ssh://nobody@127.0.0.1:1/system");
  expect(r.code).toBe(2);
  expect(r.err).toContain("resources.cpus");
  expect(r.err).not.toMatch(/powered off|forced off|libvirt/);
});
