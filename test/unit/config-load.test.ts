// loadConfig called directly: every invalid fixture fails with one ConfigError
// (or UsageError) naming its key path and line; valid configs come back with
// defaults, derived values, identity and a stable hash.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyArchDefaults, hostArch } from "../../src/config/arch";
import { loadConfig, loadConfigText } from "../../src/config/load";
import { resolveMountSource } from "../../src/config/mount-source";
import { ConfigError } from "../../src/config/problems";
import { isRumError, UsageError } from "../../src/errors";
import { invalidCases, materialize } from "../fixtures/configs/invalid-cases";
import { minimalResolved } from "../fixtures/configs/minimal-resolved";

const fixtures = join(import.meta.dir, "../fixtures/configs");
let tmp = "";
let n = 0;

beforeAll(() => {
  tmp = realpathSync(mkdtempSync(join(tmpdir(), "rum-config-load-")));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A fresh folder holding `file` with `text`. */
function project(text: string | Uint8Array, file = "rum.toml", folder = `p${n++}`): string {
  const dir = join(tmp, folder);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, file), text);
  return join(dir, file);
}

async function failure(path: string): Promise<UsageError> {
  try {
    await loadConfig({ path });
  } catch (e) {
    if (e instanceof UsageError) return e;
    throw e;
  }
  throw new Error(`${path} loaded without error`);
}

const MINIMAL = '[image]\nbase = "debian-12"\n';

describe("invalid configs", () => {
  test("there are at least 30 distinct cases", () => {
    expect(new Set(invalidCases.map((c) => c.name)).size).toBeGreaterThanOrEqual(30);
  });

  for (const c of invalidCases) {
    test(c.name, async () => {
      const e = await failure(materialize(c, join(tmp, `case${n++}`)));
      expect(e.exitCode).toBe(2);
      const text = [e.message, ...e.details].join("\n");
      expect(text).toMatch(c.message);
      if (c.key !== "") {
        expect(e).toBeInstanceOf(ConfigError);
        const line = e.details.find((d) => d.startsWith(`${c.key}: `));
        expect(line ?? e.details.join("\n")).toMatch(c.message);
        if (c.line !== undefined) expect(line).toContain(`(line ${c.line}`);
      }
    });
  }
});

describe("problems", () => {
  test("all problems of a file come together, in file order", async () => {
    const e = await failure(
      project(`${MINIMAL}[resources]\ncpus = 0\nmemory_mb = 1\n[user]\nname = "root"\n`),
    );
    expect(e.message).toMatch(/3 problems$/);
    expect(e.details).toEqual([
      "resources.cpus: must be an integer ≥ 1 (line 4)",
      "resources.memory_mb: must be an integer ≥ 256 (line 5)",
      'user.name: must not be "root": rum creates this user with sudo rights (line 7)',
    ]);
  });

  test("a schema error in one table does not hide semantic errors in another", async () => {
    const e = (await failure(
      project(`${MINIMAL}[resources]\ncpus = "x"\ndisk = "1M"\n[network]\nnat = false\n`),
    )) as ConfigError;
    expect(e.problems.map((p) => p.path.join("."))).toEqual([
      "resources.cpus",
      "resources.disk",
      "network.nat",
    ]);
  });

  test("keys inside inline tables and arrays of inline tables get their line", async () => {
    const text = `mounts = [\n  { source = ".", target = "/a" },\n  { source = ".", target = "b" },\n]\n${MINIMAL}`;
    const e = (await failure(project(text))) as ConfigError;
    expect(e.problems[0]).toMatchObject({ path: ["mounts", 1, "target"], line: 3 });
  });

  test("a multi-line string does not confuse line numbers", async () => {
    const text = `${MINIMAL}[provision.system]\nscript = """\n[resources]\ncpus = 1\n"""\n[resources]\ncpus = 0\n`;
    const e = (await failure(project(text))) as ConfigError;
    expect(e.details).toEqual(["resources.cpus: must be an integer ≥ 1 (line 9)"]);
  });

  test("the hint names the fix", async () => {
    const e = await failure(project(`${MINIMAL}[resources]\ncpus = 0\n`));
    expect(e.hint).toContain("rum schema");
    const missing = await loadConfig({ cwd: join(tmp, "nowhere") }).catch((x: unknown) => x);
    expect(isRumError(missing) && missing.hint).toContain("rum init");
  });
});

describe("valid configs", () => {
  test("minimal: defaults filled, name from the folder, identity from the path", async () => {
    const path = project(MINIMAL, "rum.toml", "My Project");
    const loaded = await loadConfig({ path });
    const id8 = createHash("sha256").update(path).digest("hex").slice(0, 8);
    expect(loaded).toMatchObject({ path, dir: join(tmp, "My Project"), name: "my-project", id8 });
    expect(loaded.domainName).toBe(`rum-my-project-${id8}`);
    expect(loaded.config).toEqual(minimalResolved("my-project"));
  });

  test("default file is rum.toml in cwd; <name>.rum.toml names the VM", async () => {
    const dir = join(tmp, "cwd-default");
    mkdirSync(dir);
    writeFileSync(join(dir, "rum.toml"), MINIMAL);
    writeFileSync(join(dir, "Web Server.rum.toml"), MINIMAL);
    expect((await loadConfig({ cwd: dir })).name).toBe("cwd-default");
    expect((await loadConfig({ cwd: dir, path: "Web Server.rum.toml" })).name).toBe("web-server");
  });

  test("the path is canonical: a symlinked folder gives the same identity", async () => {
    const path = project(MINIMAL, "rum.toml", "real");
    const link = join(tmp, "link");
    symlinkSync(join(tmp, "real"), link);
    const a = await loadConfig({ path });
    const b = await loadConfig({ path: join(link, "rum.toml") });
    expect(b.path).toBe(a.path);
    expect(b.domainName).toBe(a.domainName);
  });

  test("full: every section, derived tags, explicit name", async () => {
    const dir = join(tmp, "full");
    mkdirSync(join(dir, ".git"), { recursive: true });
    copyFileSync(join(fixtures, "full.rum.toml"), join(dir, "full.rum.toml"));
    const loaded = await loadConfig({ path: join(dir, "full.rum.toml") });
    expect(loaded.name).toBe("full-example");
    expect(loaded.domainName).toBe(`rum-full-example-${loaded.id8}`);
    expect(loaded.config.mounts.map((m) => m.tag)).toEqual(["home-dev-project", "repo"]);
    expect(loaded.config.ports[0]?.bind).toBe("127.0.0.1");
    expect(loaded.config.network.hostname).toBe("full.example.test");
    expect(resolveMountSource(loaded, loaded.config.mounts[1] as never)).toBe(dir);
    expect(resolveMountSource(loaded, loaded.config.mounts[0] as never)).toBe(dir);
  });

  test("[advanced] arch: the host's by default; aarch64 brings virt and uefi unless set", () => {
    const file = join(tmp, "arch", "rum.toml");
    const advanced = (text: string) =>
      loadConfigText(`${MINIMAL}[advanced]\n${text}`, file).config.advanced;
    expect(advanced("").arch).toBe(hostArch());
    const host = hostArch();
    const foreign = host === "x86_64" ? "aarch64" : "x86_64";
    // A foreign arch cannot use KVM: software emulation unless domain_type is set.
    expect(advanced(`arch = "${foreign}"\n`).domain_type).toBe("qemu");
    expect(advanced(`arch = "${foreign}"\ndomain_type = "kvm"\n`).domain_type).toBe("kvm");
    expect(advanced(`arch = "${host}"\n`).domain_type).toBe("kvm");
    expect(advanced('arch = "aarch64"\n')).toMatchObject({ machine: "virt", firmware: "uefi" });
    expect(advanced('arch = "aarch64"\nmachine = "virt-7.2"\n').machine).toBe("virt-7.2");
    expect(advanced('arch = "x86_64"\n')).toMatchObject({ machine: "q35", firmware: "bios" });
    expect(advanced('arch = "x86_64"\nfirmware = "uefi"\n').firmware).toBe("uefi");
  });

  test("applyArchDefaults fills only what the file leaves unset", () => {
    const base = () => ({ ...minimalResolved("x").advanced, arch: undefined });
    const a = base();
    applyArchDefaults(a, new Set(), "aarch64");
    expect(a).toMatchObject({
      arch: "aarch64",
      machine: "virt",
      firmware: "uefi",
      domain_type: "kvm",
    });
    const b = { ...base(), arch: "aarch64" as const, machine: "q35" };
    applyArchDefaults(b, new Set(["arch", "machine"]), "x86_64");
    expect(b).toMatchObject({ machine: "q35", firmware: "uefi", domain_type: "qemu" });
  });

  test("the hash ignores key order and formatting but sees every value", () => {
    const file = join(tmp, "hash", "rum.toml");
    const a = loadConfigText(`${MINIMAL}[resources]\ncpus = 4\nmemory_mb = 4096\n`, file);
    const b = loadConfigText(
      `[resources]\nmemory_mb = 4096 # comment\ncpus=4\n\n[image]\nbase="debian-12"\n`,
      file,
    );
    const c = loadConfigText(`${MINIMAL}[resources]\ncpus = 4\nmemory_mb = 4097\n`, file);
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(b.hash).toBe(a.hash);
    expect(c.hash).not.toBe(a.hash);
  });

  test("resolveMountSource: relative paths and ~ resolve; a missing one is a UsageError", () => {
    const path = project(MINIMAL, "rum.toml", "srcs");
    mkdirSync(join(tmp, "srcs", "code"));
    const loaded = loadConfigText(MINIMAL, path);
    const m = {
      source: "code",
      target: "/c",
      readonly: false,
      default: false,
      inotify: false,
      ignore: [],
    };
    expect(resolveMountSource(loaded, m)).toBe(join(tmp, "srcs", "code"));
    expect(() => resolveMountSource(loaded, { ...m, source: "gone" })).toThrow(UsageError);
  });
});
