/** `rum image …` through the compiled binary, with the cache in a temp XDG_CACHE_HOME. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "pathe";
import { type ImageServer, startImageServer } from "../support/http-server";

const repo = resolve(import.meta.dir, "../..");
const rumBin = join(repo, "dist/rum");
let dir: string;
let srv: ImageServer;

function newestSource(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((f) => newestSource(join(path, f))));
}

const rum = (...args: string[]) => rumWithCache("cache", ...args);

/** Run dist/rum with XDG_CACHE_HOME = <dir>/<cache>. */
async function rumWithCache(cache: string, ...args: string[]) {
  const p = Bun.spawn([rumBin, ...args], {
    cwd: dir,
    env: { ...process.env, XDG_CACHE_HOME: join(dir, cache), NO_COLOR: "1" },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
    p.exited,
  ]);
  return { stdout, stderr, code };
}

beforeAll(async () => {
  if (!existsSync(rumBin) || statSync(rumBin).mtimeMs < newestSource(join(repo, "src"))) {
    const build = Bun.spawnSync(["bun", "build.ts"], { cwd: repo, stderr: "pipe", stdout: "pipe" });
    if (build.exitCode !== 0) throw new Error(`bun build.ts failed:\n${build.stderr}`);
  }
  dir = mkdtempSync(join(tmpdir(), "rum-image-cli-"));
  const qcow2 = join(dir, "disk.qcow2");
  Bun.spawnSync(["qemu-img", "create", "-q", "-f", "qcow2", qcow2, "32M"]);
  const raw = new Uint8Array(8 << 20);
  raw.set(randomBytes(1 << 20));
  srv = await startImageServer({ files: { "/images/disk.qcow2": qcow2, "/images/big.raw": raw } });
}, 120_000);
afterAll(async () => {
  await srv.stop();
  rmSync(dir, { recursive: true, force: true });
});

const list = async () =>
  JSON.parse((await rum("image", "list", "--json")).stdout) as { url: string; file: string }[];

describe("rum image", () => {
  test("search filters the registry; --json gives the entries", async () => {
    const r = await rum("image", "search", "ubuntu");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("ubuntu-24.04");
    expect(r.stdout).toContain("ubuntu-22.04");
    expect(r.stdout).not.toContain("debian");
    const json = JSON.parse((await rum("image", "search", "debian", "--json")).stdout);
    expect(json.map((e: { name: string }) => e.name)).toEqual(["debian-13", "debian-12"]);
    expect(json[0]).toHaveProperty("checksumUrl");
  });

  test("pull <url> caches the image and prints its path; list shows it; a second pull reuses it", async () => {
    expect(await list()).toEqual([]);
    const url = `${srv.url}/images/disk.qcow2`;
    const r = await rum("image", "pull", url);
    expect(r.code).toBe(0);
    const path = r.stdout.trim();
    expect(path.startsWith(join(dir, "cache/rum/images/"))).toBe(true);
    expect(path).toEndWith("-disk.qcow2");
    expect(existsSync(path)).toBe(true);
    expect(r.stderr).toContain("downloading");
    expect(r.stderr).not.toContain("\r");
    expect((await list()).map((e) => e.url)).toEqual([url]);
    const human = await rum("image", "list");
    expect(human.stdout).toContain("disk.qcow2");

    srv.requests.length = 0;
    const again = await rum("image", "pull", url, "--json");
    expect(JSON.parse(again.stdout)).toMatchObject({ source: "cache", format: "qcow2", path });
    expect(srv.requests).toEqual([]);
  });

  test("delete by name; unknown names are usage errors", async () => {
    const gone = await rum("image", "delete", "nope.qcow2");
    expect(gone.code).toBe(2);
    expect(gone.stderr).toContain('no cached image named "nope.qcow2"');
    expect((await rum("image", "delete", "disk.qcow2")).code).toBe(0);
    expect(await list()).toEqual([]);
    expect(readdirSync(join(dir, "cache/rum/images"))).toEqual([]);
  });

  test("clear needs --yes without a terminal, then empties the cache", async () => {
    expect((await rum("image", "pull", `${srv.url}/images/disk.qcow2`)).code).toBe(0);
    const refused = await rum("image", "clear");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("--yes");
    expect((await list()).length).toBe(1);
    expect((await rum("image", "clear", "--yes")).code).toBe(0);
    expect(await list()).toEqual([]);
  });

  test("pull of a missing URL: exit 1 with the HTTP status, the URL and a hint", async () => {
    const r = await rum("image", "pull", `${srv.url}/images/missing.qcow2`);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `error: image not found (HTTP 404) at ${srv.url}/images/missing.qcow2`,
    );
    expect(r.stderr).toContain("hint:");
  });

  test("usage errors: unknown sub-command, unknown shorthand, foreign flag", async () => {
    const sub = await rum("image", "lst");
    expect(sub.code).toBe(2);
    expect(sub.stderr).toContain('did you mean "list"');
    const short = await rum("image", "pull", "ubuntu-24.4");
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('did you mean "ubuntu-24.04"');
    const flag = await rum("image", "list", "--yes");
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("unknown option --yes");
  });

  test("flags may come before the sub-command", async () => {
    const r = await rum("image", "--json", "search", "arch");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)[0].name).toBe("arch");
  });

  test("two processes pulling the same URL: one transfer, the other waits and reuses it", async () => {
    const url = `${srv.url}/images/big.raw`;
    srv.setFault("/images/big.raw", "slow:16000000");
    srv.requests.length = 0;
    const [a, b] = await Promise.all([rum("image", "pull", url), rum("image", "pull", url)]);
    srv.setFault("/images/big.raw", null);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(a.stdout).toBe(b.stdout);
    expect(srv.requests.filter((r) => r.path === "/images/big.raw").length).toBe(1);
    expect(a.stderr + b.stderr).toContain("waiting for process");
    expect(statSync(a.stdout.trim()).size).toBe(8 << 20);
  });

  test("Ctrl-C during a pull keeps the .part; the next pull resumes it with Range", async () => {
    const url = `${srv.url}/images/big.raw`;
    srv.setFault("/images/big.raw", "slow:4000000");
    const child = Bun.spawn([rumBin, "image", "pull", url], {
      cwd: dir,
      env: { ...process.env, XDG_CACHE_HOME: join(dir, "cache2") },
      stdout: "ignore",
      stderr: "ignore",
    });
    const images = join(dir, "cache2/rum/images");
    const partSize = () => {
      const part = existsSync(images) && readdirSync(images).find((f) => f.endsWith(".part"));
      return part ? statSync(join(images, part)).size : 0;
    };
    while (partSize() < 2 << 20) await Bun.sleep(50);
    child.kill("SIGINT");
    await child.exited;
    const kept = partSize();
    srv.setFault("/images/big.raw", null);
    srv.requests.length = 0;
    const r = await rumWithCache("cache2", "image", "pull", url);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().startsWith(images)).toBe(true);
    expect(srv.requests.at(-1)).toMatchObject({ range: `bytes=${kept}-`, status: 206 });
  });
});
