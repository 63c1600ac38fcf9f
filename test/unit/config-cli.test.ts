// The compiled binary: `rum validate`, `rum init` and `rum schema` as users and
// scripts see them: exit codes, stdout/stderr split, messages naming the key,
// and no stack traces.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { createHash } from "node:crypto";
import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { invalidCases, materialize } from "../fixtures/configs/invalid-cases";
import { minimalResolved } from "../fixtures/configs/minimal-resolved";
import { rumBinary } from "../support/binary";

setDefaultTimeout(120_000);
const repo = join(import.meta.dir, "../..");
const fixtures = join(repo, "test/fixtures/configs");
let tmp = "";
let rum = "";
let n = 0;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(args: string[], cwd = tmp): Run {
  const p = Bun.spawnSync([rum, ...args], { cwd, stdin: "ignore", env: { ...process.env } });
  return { code: p.exitCode, stdout: p.stdout.toString(), stderr: p.stderr.toString() };
}

function noStackTrace(r: Run) {
  expect(r.stderr).not.toMatch(/^ {4}at /m);
  expect(r.stderr).not.toContain("internal error");
}

async function folder(name = `d${n++}`): Promise<string> {
  const dir = join(tmp, name);
  await mkdir(dir, { recursive: true });
  return dir;
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "rum-config-cli-"));
  rum = rumBinary();
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe("rum validate on invalid configs", () => {
  for (const c of invalidCases) {
    test(`${c.name}: exit 2, names ${c.key || "the file"}`, async () => {
      const path = materialize(c, join(tmp, `case${n++}`));
      const r = run(["validate", "-c", path]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(/^error: /);
      expect(r.stderr).toMatch(c.message);
      if (c.key) {
        const line = r.stderr.split("\n").find((l) => l.startsWith(`  ${c.key}: `));
        expect(line ?? r.stderr).toMatch(c.message);
        if (c.line !== undefined) expect(line).toContain(`(line ${c.line}`);
      }
      expect(r.stderr).toMatch(/^hint: /m);
      noStackTrace(r);
    });
  }

  test("--json: problems on stdout as {ok:false, error, errors}, the message still on stderr", async () => {
    const dir = await folder();
    await writeFile(
      join(dir, "rum.toml"),
      '[image]\nbase = "debian-12"\n[resources]\nmemory_mb = 100\n',
    );
    const r = run(["validate", "--json"], dir);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({
      ok: false,
      error: {
        message: `${join(dir, "rum.toml")}: 1 problem`,
        hint: "fix the keys above; `rum schema` describes every key",
        exitCode: 2,
      },
      errors: [{ path: "resources.memory_mb", message: "must be an integer ≥ 256", line: 4 }],
    });
    expect(r.stderr).toContain("resources.memory_mb: must be an integer ≥ 256 (line 4)");
    noStackTrace(r);
  });

  test("--json without a config file", async () => {
    const r = run(["validate", "--json"], await folder());
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/^no rum.toml in /), exitCode: 2 },
    });
    expect(r.stderr).toContain("hint: run `rum init`");
  });
});

describe("rum validate on valid configs", () => {
  test("minimal: --json has every default, the name and the domain", async () => {
    const dir = await folder("Minimal Project");
    await copyFile(join(fixtures, "minimal.rum.toml"), join(dir, "rum.toml"));
    const r = run(["validate", "--json"], dir);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    const id8 = createHash("sha256").update(join(dir, "rum.toml")).digest("hex").slice(0, 8);
    expect(out).toMatchObject({
      ok: true,
      path: join(dir, "rum.toml"),
      name: "minimal-project",
      domain: `rum-minimal-project-${id8}`,
    });
    expect(out.config).toEqual(minimalResolved("minimal-project"));
  });

  test("full: every section; the text output is the resolved TOML with name and domain", async () => {
    const dir = await folder();
    await mkdir(join(dir, ".git"));
    await copyFile(join(fixtures, "full.rum.toml"), join(dir, "full.rum.toml"));
    const r = run(["validate", "--json", "-c", "full.rum.toml"], dir);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.name).toBe("full-example");
    expect(out.domain).toMatch(/^rum-full-example-[0-9a-f]{8}$/);
    expect(out.config.mounts[0]).toEqual({
      source: ".",
      target: "/home/dev/project",
      readonly: false,
      default: true,
      tag: "home-dev-project",
      inotify: true,
      ignore: ["node_modules", "*.log"],
    });
    expect(out.config.env).toEqual({ RUST_LOG: "debug", GREETING: "hello world" });
    expect(out.config.network.auto_forward_exclude).toEqual([5432]);
    expect(out.config.fs.zfs[0].pool).toBe("tank");

    const text = run(["-c", "full.rum.toml", "validate"], dir);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`# vm:     full-example\n# domain: ${out.domain}\n`);
    expect(text.stdout).toContain('\n[resources]\ncpus = 4\nmemory_mb = 4096\ndisk = "40G"\n');
    // The printed config is itself a valid rum.toml describing the same VM.
    await writeFile(join(dir, "again.rum.toml"), text.stdout);
    const again = JSON.parse(run(["validate", "--json", "-c", "again.rum.toml"], dir).stdout);
    expect(again.config).toEqual(out.config);
  });
});

describe("rum init", () => {
  test("--defaults writes a file that validates", async () => {
    const dir = await folder("new-project");
    const r = run(["init", "--defaults"], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    const text = await readFile(join(dir, "rum.toml"), "utf8");
    expect(text).toContain('base = "debian-12"');
    const v = run(["validate", "--json"], dir);
    expect(v.code).toBe(0);
    expect(JSON.parse(v.stdout).name).toBe("new-project");
  });

  test("without a terminal it does not ask (stdin closed)", async () => {
    const dir = await folder();
    expect(run(["init", "--image", "ubuntu-24.04"], dir).code).toBe(0);
    expect(await readFile(join(dir, "rum.toml"), "utf8")).toContain('base = "ubuntu-24.04"');
  });

  test("twice without --force: exit 2, file unchanged; --force replaces it", async () => {
    const dir = await folder();
    expect(run(["init", "--defaults"], dir).code).toBe(0);
    const path = join(dir, "rum.toml");
    await writeFile(path, '# mine\n[image]\nbase = "alpine"\n');
    const again = run(["init", "--defaults"], dir);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("already exists");
    expect(again.stderr).toContain("--force");
    noStackTrace(again);
    expect(await readFile(path, "utf8")).toBe('# mine\n[image]\nbase = "alpine"\n');
    expect(run(["init", "--defaults", "--force", "--image", "fedora-43"], dir).code).toBe(0);
    expect(await readFile(path, "utf8")).toContain('base = "fedora-43"');
  });

  test("-c names the file; an invalid --image writes nothing", async () => {
    const dir = await folder();
    expect(run(["init", "--defaults", "-c", "db.rum.toml"], dir).code).toBe(0);
    expect(JSON.parse(run(["validate", "--json", "-c", "db.rum.toml"], dir).stdout).name).toBe(
      "db",
    );
    const bad = run(["init", "--defaults", "--image", "", "-c", "x.rum.toml"], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("image.base: must not be empty");
    expect(await stat(join(dir, "x.rum.toml")).catch(() => undefined)).toBeUndefined();
  });
});

describe("rum schema", () => {
  test("prints exactly the committed rum.schema.json", async () => {
    const r = run(["schema"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(await readFile(join(repo, "rum.schema.json"), "utf8"));
    expect(JSON.parse(r.stdout).$schema).toContain("json-schema.org");
  });
});

describe("big input is refused at the door", () => {
  test("a 15 MB provisioning script: exit 2 by the file's size, before it is parsed", async () => {
    const dir = await folder();
    const script = "echo hello world\n".repeat(900_000);
    await writeFile(
      join(dir, "rum.toml"),
      `[image]\nbase = "debian-12"\n[provision.system]\nscript = """\n${script}"""\n`,
    );
    const start = performance.now();
    const r = run(["validate"], dir);
    // Parsing it took 8 s; a stat takes nothing (generous bound for a loaded host).
    expect(performance.now() - start).toBeLessThan(2000);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is 14\.\d MiB: too large for a config \(the limit is 3\.5 MiB\)/);
    expect(r.stderr).toContain("hint: ");
    noStackTrace(r);
  });
});
