// Files that may hold secrets, through the compiled binary: `rum dump-iso`
// writes the seed (with the guest's private host key) and creates the VM's
// key state; every file it writes is 0600 and every folder 0700, even with
// umask 000 and over a file that was 0644 before.
import { afterAll, beforeAll, expect, test } from "bun:test";
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "pathe";
import { rumBinary } from "../support/binary";

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "rum-modes-"));
  writeFileSync(join(dir, "rum.toml"), '[image]\nbase = "debian-12"\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every path under `root` (itself excluded) with its permission bits. */
function modes(root: string): [string, string][] {
  return (readdirSync(root, { recursive: true }) as string[]).sort().map((p) => {
    const mode = (statSync(join(root, p)).mode & 0o777).toString(8);
    return [p, mode];
  });
}

test("dump-iso: seed files and the VM's key state are owner-only", () => {
  const out = join(dir, "out");
  mkdirSync(out);
  writeFileSync(join(out, "seed.iso"), "old");
  chmodSync(join(out, "seed.iso"), 0o644);
  const data = join(dir, "data");
  const r = Bun.spawnSync(
    [
      "bash",
      "-c",
      'umask 000; exec "$@"',
      "bash",
      rumBinary(),
      "dump-iso",
      "--connect",
      "test:///default",
      join(out, "seed"),
    ],
    { cwd: dir, env: { ...process.env, HOME: dir, XDG_DATA_HOME: data, NO_COLOR: "1" } },
  );
  expect(r.stderr.toString()).not.toContain("error:");
  expect(r.exitCode).toBe(0);
  const written = [...modes(join(out, "seed")), ...modes(join(data, "rum"))];
  // The seed and the keys are among them: the test looks at real files.
  expect(written.map(([p]) => p)).toEqual(
    expect.arrayContaining(["seed.iso", "user-data", expect.stringMatching(/id_ed25519$/)]),
  );
  for (const [path, mode] of written) {
    const isDir =
      statSync(join(out, "seed", path), { throwIfNoEntry: false })?.isDirectory() ??
      statSync(join(data, "rum", path)).isDirectory();
    // Public keys are not secrets (ssh-keygen writes them 0644); nothing else may be read by others.
    const want = isDir ? "700" : path.endsWith(".pub") && mode === "644" ? "644" : "600";
    expect(`${path} ${mode}`).toBe(`${path} ${want}`);
  }
  expect((statSync(join(out, "seed")).mode & 0o777).toString(8)).toBe("700");
  // A pre-existing 0644 seed.iso elsewhere is left alone; one rum writes over is narrowed.
  writeFileSync(join(out, "seed", "seed.iso"), "old");
  chmodSync(join(out, "seed", "seed.iso"), 0o644);
  const again = Bun.spawnSync(
    [rumBinary(), "dump-iso", "--connect", "test:///default", join(out, "seed")],
    {
      cwd: dir,
      env: { ...process.env, HOME: dir, XDG_DATA_HOME: data, NO_COLOR: "1" },
    },
  );
  expect(again.exitCode).toBe(0);
  expect((statSync(join(out, "seed", "seed.iso")).mode & 0o777).toString(8)).toBe("600");
});
