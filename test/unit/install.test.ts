// install.sh, driven the way users run it (`curl ... | sh`) against a local
// HTTP server that plays the release host, serving the real build output.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import * as fs from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pkg from "../../package.json";

// Each install copies a ~100 MB binary several times; give a loaded host room.
setDefaultTimeout(60_000);

const repo = join(import.meta.dir, "../..");
const binName = `rum-linux-${process.arch === "arm64" ? "arm64" : "x64"}`;
let tmp = "";
let server: ReturnType<typeof Bun.serve>;
let base = "";
// URL path → file on disk; each folder is one release host scenario.
const routes = new Map<string, string>();

const sha256 = async (path: string) =>
  new Bun.CryptoHasher("sha256").update(await Bun.file(path).bytes()).digest("hex");

// Copies this arch's binary and SHA256SUMS out of dist/, building first if needed. Other
// work may rebuild dist/ meanwhile, so the pair is retried until it agrees with itself.
async function copyRelease(into: string): Promise<string> {
  for (let attempt = 0; attempt < 5; attempt++) {
    if (!(await Bun.file(join(repo, "dist/SHA256SUMS")).exists())) {
      const build = Bun.spawn(["bun", "build.ts"], { cwd: repo, stdout: "ignore" });
      if ((await build.exited) !== 0)
        throw new Error("`bun build.ts` failed (its errors are above)");
    }
    try {
      await fs.copyFile(join(repo, "dist", binName), join(into, binName));
      const sums = await Bun.file(join(repo, "dist/SHA256SUMS")).text();
      if (sums.includes(`${await sha256(join(into, binName))}  ${binName}\n`)) return sums;
    } catch {
      // dist/ is being rebuilt right now; wait and take the pair again.
    }
    await Bun.sleep(2000);
  }
  throw new Error("dist/ never held a matching binary and SHA256SUMS");
}

const serveFile = (url: string, path: string) => routes.set(url, path);

beforeAll(async () => {
  tmp = await fs.mkdtemp(join(tmpdir(), "rum-install-test-"));
  const good = join(tmp, "srv");
  await fs.mkdir(good);
  const sums = await copyRelease(good);
  await Bun.write(join(good, "SHA256SUMS"), sums);
  await fs.copyFile(join(repo, "install.sh"), join(good, "install.sh"));
  for (const file of ["install.sh", binName, "SHA256SUMS"])
    serveFile(`/good/${file}`, join(good, file));

  // Same checksums, but one byte more in the binary.
  const tampered = join(tmp, "tampered");
  await fs.mkdir(tampered);
  await fs.copyFile(join(good, binName), join(tampered, binName));
  await fs.appendFile(join(tampered, binName), "\0");
  serveFile(`/tampered/${binName}`, join(tampered, binName));
  serveFile("/tampered/SHA256SUMS", join(good, "SHA256SUMS"));

  // SHA256SUMS without this arch's line.
  const otherArch = join(tmp, "SHA256SUMS.other");
  await Bun.write(otherArch, `${"0".repeat(64)}  rum-linux-riscv64\n`);
  serveFile(`/noline/${binName}`, join(good, binName));
  serveFile("/noline/SHA256SUMS", otherArch);

  // Binary missing from the release (404).
  serveFile("/nobinary/SHA256SUMS", join(good, "SHA256SUMS"));

  // Both arches, each a stand-in that names itself: which one got installed
  // shows the script's choice without running a foreign binary.
  const both = join(tmp, "both");
  await fs.mkdir(both);
  const bothSums: string[] = [];
  for (const arch of ["x64", "arm64"]) {
    const file = join(both, `rum-linux-${arch}`);
    await Bun.write(file, `#!/bin/sh\necho "rum 9.9.9 (linux-${arch})"\n`);
    bothSums.push(`${await sha256(file)}  rum-linux-${arch}`);
    serveFile(`/both/rum-linux-${arch}`, file);
  }
  await Bun.write(join(both, "SHA256SUMS"), `${bothSums.join("\n")}\n`);
  serveFile("/both/SHA256SUMS", join(both, "SHA256SUMS"));

  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      const path = routes.get(new URL(req.url).pathname);
      return path ? new Response(Bun.file(path)) : new Response("not found", { status: 404 });
    },
  });
  base = `http://127.0.0.1:${server.port}`;
}, 180_000);

afterAll(async () => {
  server?.stop(true);
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

async function sh(script: string, env: Record<string, string>) {
  const proc = Bun.spawn(["/bin/sh", "-c", script], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: join(tmp, "home"), ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [code, stdout, stderr] = await Promise.all([
    proc.exited,
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
  ]);
  return { code, stdout, stderr };
}

/** The documented one-liner: `curl -fsSL <base>/install.sh | sh -s -- ARGS`. */
const curlPipe = (scenario: string, args: string, env: Record<string, string> = {}) =>
  sh(`curl -fsSL "${base}/good/install.sh" | sh -s -- ${args}`, {
    RUM_INSTALL_BASE_URL: `${base}/${scenario}`,
    ...env,
  });

const listing = async (dir: string) => fs.readdir(dir).catch(() => [] as string[]);

/** A folder holding one stand-in command, returned as a PATH that puts it first. */
async function fakeCommand(name: string, script: string): Promise<string> {
  const dir = await fs.mkdtemp(join(tmp, `fake-${name}-`));
  await Bun.write(join(dir, name), `#!/bin/sh\n${script}\n`);
  await fs.chmod(join(dir, name), 0o755);
  return `${dir}:${process.env.PATH}`;
}

describe("install.sh", () => {
  test("curl | sh --prefix installs a working rum, mode 0755, replacing an old one", async () => {
    const prefix = join(tmp, "a/bin");
    await fs.mkdir(prefix, { recursive: true });
    await Bun.write(join(prefix, "rum"), "old");
    const r = await curlPipe("good", `--prefix ${prefix}`);
    expect(r.stderr).toContain("rum-install: checksum ok");
    expect(r.code).toBe(0);
    expect((await fs.stat(join(prefix, "rum"))).mode & 0o777).toBe(0o755);
    expect(await listing(prefix)).toEqual(["rum"]); // no staging file left behind
    const version = Bun.spawnSync([join(prefix, "rum"), "--version"]);
    expect(version.stdout.toString()).toStartWith(`rum ${pkg.version}`);
    expect(r.stderr).toContain(`installed rum ${pkg.version}`);
  });

  test("accepts --prefix=DIR", async () => {
    const prefix = join(tmp, "eq/bin");
    const r = await curlPipe("good", `--prefix=${prefix}`);
    expect(r.code).toBe(0);
    expect(await listing(prefix)).toEqual(["rum"]);
  });

  test("non-root default is ~/.local/bin, with PATH advice for bash, zsh and fish", async () => {
    // We run as root, so a fake `id` printing 1000 steers the script into its
    // non-root branch; this tests the script's choice, not real permissions.
    const home = join(tmp, "user-home");
    const r = await curlPipe("good", "", {
      HOME: home,
      PATH: await fakeCommand("id", "echo 1000"),
    });
    expect(r.code).toBe(0);
    expect(await listing(join(home, ".local/bin"))).toEqual(["rum"]);
    expect(r.stderr).toContain(`${home}/.local/bin is not on your PATH`);
    expect(r.stderr).toContain(`export PATH="${home}/.local/bin:$PATH"' >> ~/.bashrc`);
    expect(r.stderr).toContain("~/.zshrc");
    expect(r.stderr).toContain(`fish_add_path ${home}/.local/bin`);
  });

  test("tampered binary: checksum mismatch, nothing written, an existing rum untouched", async () => {
    const fresh = join(tmp, "t1/bin");
    const r = await curlPipe("tampered", `--prefix ${fresh}`);
    expect(r.code).not.toBe(0);
    expect(r.stderr.toLowerCase()).toContain("checksum mismatch");
    expect(await listing(fresh)).toEqual([]);

    const existing = join(tmp, "t2/bin");
    await fs.mkdir(existing, { recursive: true });
    await Bun.write(join(existing, "rum"), "old");
    expect((await curlPipe("tampered", `--prefix ${existing}`)).code).not.toBe(0);
    expect(await listing(existing)).toEqual(["rum"]);
    expect(await Bun.file(join(existing, "rum")).text()).toBe("old");
  });

  test("SHA256SUMS without our line, or a 404 binary: fails, nothing written", async () => {
    for (const scenario of ["noline", "nobinary"]) {
      const prefix = join(tmp, scenario, "bin");
      const r = await curlPipe(scenario, `--prefix ${prefix}`);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain("rum-install: error:");
      expect(await listing(prefix)).toEqual([]);
    }
  });

  test("falls back to wget and shasum when curl and sha256sum are absent", async () => {
    const bin = join(tmp, "minimal-bin");
    await fs.mkdir(bin);
    const tools = "sh uname mktemp wget awk cut shasum mkdir cp chmod mv rm".split(" ");
    for (const tool of tools)
      await fs.symlink(Bun.which(tool) ?? `/missing/${tool}`, join(bin, tool));
    const prefix = join(tmp, "wget/bin");
    const script = join(tmp, "srv/install.sh");
    const r = await sh(`sh ${script} --prefix ${prefix}`, {
      PATH: bin,
      RUM_INSTALL_BASE_URL: `${base}/good`,
    });
    expect(r.stderr).toContain("checksum ok");
    expect(r.code).toBe(0);
    expect(await listing(prefix)).toEqual(["rum"]);
  });

  test("uname -m picks the binary: x86_64/amd64 → linux-x64, aarch64/arm64 → linux-arm64", async () => {
    for (const [machine, arch] of [
      ["x86_64", "x64"],
      ["amd64", "x64"],
      ["aarch64", "arm64"],
      ["arm64", "arm64"],
    ] as const) {
      const PATH = await fakeCommand("uname", `[ "$1" = -s ] && echo Linux || echo ${machine}`);
      const prefix = join(tmp, `machine-${machine}`);
      const r = await curlPipe("both", `--prefix ${prefix}`, { PATH });
      expect(r.stderr).toContain(`downloading ${base}/both/rum-linux-${arch}`);
      expect(r.stderr).toContain(`installed rum 9.9.9 (linux-${arch})`);
      expect(r.code).toBe(0);
      expect(await Bun.file(join(prefix, "rum")).text()).toContain(`(linux-${arch})`);
    }
  });

  test("refuses non-Linux systems and unknown architectures", async () => {
    for (const [os, machine, message] of [
      ["Darwin", "arm64", "only on Linux"],
      ["Linux", "riscv64", "no rum build for the riscv64 architecture"],
      ["Linux", "armv7l", "no rum build for the armv7l architecture"],
      ["Linux", "i686", "no rum build for the i686 architecture"],
    ] as const) {
      const PATH = await fakeCommand("uname", `[ "$1" = -s ] && echo ${os} || echo ${machine}`);
      const prefix = join(tmp, `uname-${machine}`);
      const r = await curlPipe("good", `--prefix ${prefix}`, { PATH });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(message);
      expect(await listing(prefix)).toEqual([]);
    }
  });

  test("usage: --help exits 0, unknown option and bare --prefix exit 2", async () => {
    const script = join(tmp, "srv/install.sh");
    const help = await sh(`sh ${script} --help`, {});
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: sh install.sh [--prefix DIR]");
    const unknown = await sh(`sh ${script} --frobnicate`, {});
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("rum-install: error: unknown option: --frobnicate");
    expect((await sh(`sh ${script} --prefix`, {})).code).toBe(2);
  });

  test("shellcheck -s sh reports nothing", () => {
    const r = Bun.spawnSync(["shellcheck", "-s", "sh", join(repo, "install.sh")]);
    expect(r.stdout.toString()).toBe("");
    expect(r.exitCode).toBe(0);
  });
});
