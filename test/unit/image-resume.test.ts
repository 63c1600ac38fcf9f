/** Interrupted downloads, resume, restarts, locking and a full disk, against a real HTTP server. */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "pathe";
import { RumError } from "../../src/errors";
import { cachePaths } from "../../src/image/cache-entry";
import { fetchImage } from "../../src/image/fetch";
import { type ImageServer, startImageServer } from "../support/http-server";
import { present } from "../support/precondition";

const SIZE = 4 * 1024 * 1024 + 123;
const IMG = new Uint8Array(randomBytes(SIZE));
const IMG2 = new Uint8Array(randomBytes(SIZE));
const digest = (b: Uint8Array) => new Bun.CryptoHasher("sha256").update(b).digest("hex");
const sha256 = digest(IMG);

let srv: ImageServer;
let root: string;
let cacheDir: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "rum-image-resume-"));
  srv = await startImageServer({ files: { "/disk.img": IMG } });
});
afterAll(async () => {
  await srv.stop();
  rmSync(root, { recursive: true, force: true });
});
beforeEach(() => {
  cacheDir = mkdtempSync(join(root, "cache-"));
  srv.requests.length = 0;
  srv.setFault("/disk.img", null);
  srv.setFile("/disk.img", IMG);
});

const src = () => ({ kind: "url" as const, url: `${srv.url}/disk.img` });
const fast = { retryDelayMs: 0 };

async function sameBytes(path: string, want = IMG) {
  expect(Buffer.from(await Bun.file(path).bytes()).equals(Buffer.from(want))).toBe(true);
}

describe("resume", () => {
  test("a dropped connection keeps the .part; the next call resumes with Range and is byte-exact", async () => {
    srv.setFault("/disk.img", "drop-after:1500000");
    const err = await fetchImage(src(), { cacheDir, expectedSha256: sha256, retries: 0 }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(RumError);
    expect(err.message).toContain("interrupted");
    expect(err.hint).toContain("resume");
    const paths = cachePaths(cacheDir, src().url);
    expect(statSync(paths.part).size).toBe(1_500_000);
    expect(existsSync(paths.final)).toBe(false);

    srv.setFault("/disk.img", null);
    srv.requests.length = 0;
    const img = await fetchImage(src(), { cacheDir, expectedSha256: sha256 });
    expect(srv.requests).toEqual([
      { method: "GET", path: "/disk.img", range: "bytes=1500000-", status: 206 },
    ]);
    await sameBytes(img.path);
    expect(existsSync(paths.part)).toBe(false);
  });

  test("within one call, dropped connections are resumed automatically", async () => {
    srv.setFault("/disk.img", "drop-after:1200000");
    const notes: string[] = [];
    const img = await fetchImage(src(), {
      cacheDir,
      expectedSha256: sha256,
      ...fast,
      onNote: (m) => notes.push(m),
    });
    await sameBytes(img.path);
    expect(srv.requests.map((r) => r.range)).toEqual([
      undefined,
      "bytes=1200000-",
      "bytes=2400000-",
      "bytes=3600000-",
    ]);
    expect(notes.some((n) => n.includes("resuming at 1.1 MiB"))).toBe(true);
  });

  test("a server that ignores Range: the download starts over and is still correct", async () => {
    srv.setFault("/disk.img", "drop-after:1000000");
    await fetchImage(src(), { cacheDir, retries: 0 }).catch(() => undefined);
    srv.setFault("/disk.img", "ignore-range");
    srv.requests.length = 0;
    const img = await fetchImage(src(), { cacheDir, expectedSha256: sha256 });
    expect(srv.requests).toEqual([
      { method: "GET", path: "/disk.img", range: "bytes=1000000-", status: 200 },
    ]);
    await sameBytes(img.path);
  });

  test("the file changed upstream since the .part began: If-Range makes the server send it whole", async () => {
    srv.setFault("/disk.img", "drop-after:1000000");
    await fetchImage(src(), { cacheDir, retries: 0 }).catch(() => undefined);
    srv.setFault("/disk.img", null);
    srv.setFile("/disk.img", IMG2);
    const img = await fetchImage(src(), { cacheDir, expectedSha256: digest(IMG2) });
    expect(srv.requests.at(-1)?.status).toBe(200);
    await sameBytes(img.path, IMG2);
  });

  test("a complete .part (killed before the rename) is verified via 416 without downloading", async () => {
    const paths = cachePaths(cacheDir, src().url);
    writeFileSync(paths.part, IMG);
    const img = await fetchImage(src(), { cacheDir, expectedSha256: sha256 });
    expect(srv.requests).toEqual([
      { method: "GET", path: "/disk.img", range: `bytes=${SIZE}-`, status: 416 },
    ]);
    await sameBytes(img.path);
  });

  test("a .part longer than the file is stale: thrown away and downloaded again", async () => {
    const paths = cachePaths(cacheDir, src().url);
    writeFileSync(paths.part, new Uint8Array(SIZE + 10));
    const img = await fetchImage(src(), { cacheDir, expectedSha256: sha256 });
    expect(srv.requests.map((r) => r.status)).toEqual([416, 200]);
    await sameBytes(img.path);
  });

  test("a final file without its sidecar is re-checked, not trusted", async () => {
    const paths = cachePaths(cacheDir, src().url);
    writeFileSync(paths.final, IMG.subarray(0, 1000));
    const img = await fetchImage(src(), { cacheDir, expectedSha256: sha256 });
    expect(srv.requests.map((r) => r.range)).toEqual(["bytes=1000-"]);
    await sameBytes(img.path);
  });

  test("a stalled transfer is abandoned after the stall timeout", async () => {
    srv.setFault("/disk.img", "slow:1000");
    const err = await fetchImage(src(), { cacheDir, retries: 0, stallTimeoutMs: 40 }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(RumError);
    expect(err.message).toContain("no data for");
  });
});

describe("concurrency", () => {
  test("two downloads of the same URL: one transfer, both get the same verified file", async () => {
    srv.setFault("/disk.img", "slow:20000000");
    const [a, b] = await Promise.all([
      fetchImage(src(), { cacheDir, expectedSha256: sha256 }),
      fetchImage(src(), { cacheDir, expectedSha256: sha256 }),
    ]);
    expect(a.path).toBe(b.path);
    expect([a.fromCache, b.fromCache].sort()).toEqual([false, true]);
    expect(srv.requests.filter((r) => r.path === "/disk.img").length).toBe(1);
    await sameBytes(a.path);
  });

  test("a lock left by a dead process is taken over", async () => {
    const paths = cachePaths(cacheDir, src().url);
    const dead = Bun.spawnSync(["true"]).pid;
    writeFileSync(paths.lock, `${dead}\n`);
    const img = await fetchImage(src(), { cacheDir, expectedSha256: sha256 });
    await sameBytes(img.path);
    expect(existsSync(paths.lock)).toBe(false);
  });
});

describe("disk full", () => {
  const isRoot = process.getuid?.() === 0;
  test.skipIf(!present("root (to mount a 2 MiB tmpfs)", isRoot))(
    "ENOSPC: error naming the cache dir and the fix; the .part is kept for resume",
    async () => {
      const tiny = join(root, "tiny");
      mkdirSync(tiny);
      const mount = Bun.spawnSync(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", tiny]);
      expect(mount.exitCode).toBe(0);
      try {
        const err = await fetchImage(src(), { cacheDir: tiny, expectedSha256: sha256 }).catch(
          (e) => e,
        );
        expect(err).toBeInstanceOf(RumError);
        expect(err.message).toBe(`no space left in the image cache ${tiny}`);
        expect(err.hint).toContain("XDG_CACHE_HOME");
        const part = readdirSync(tiny).find((f) => f.endsWith(".part"));
        expect(part).toBeDefined();
        expect(statSync(join(tiny, part as string)).size).toBeGreaterThan(0);
      } finally {
        Bun.spawnSync(["umount", tiny]);
      }
    },
  );
});
