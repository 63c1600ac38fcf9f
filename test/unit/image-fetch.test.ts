/** fetchImage against a real local HTTP server: verification, errors, cache reuse. */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "pathe";
import { RumError } from "../../src/errors";
import { fetchImage } from "../../src/image/fetch";
import { checksumList, type ImageServer, startImageServer, utf8 } from "../support/http-server";

const IMG = new Uint8Array(randomBytes(3 * 1024 * 1024 + 17));
const sha256 = new Bun.CryptoHasher("sha256").update(IMG).digest("hex");
const sha512 = new Bun.CryptoHasher("sha512").update(IMG).digest("hex");

let srv: ImageServer;
let root: string;
let cacheDir: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "rum-image-fetch-"));
  srv = await startImageServer({
    files: {
      "/u/disk.img": IMG,
      "/u/SHA256SUMS": checksumList([{ name: "disk.img", hex: sha256, algo: "sha256" }]),
      "/d/disk.qcow2": IMG,
      "/d/SHA512SUMS": checksumList([
        { name: "other.qcow2", hex: "0".repeat(128), algo: "sha512" },
        { name: "disk.qcow2", hex: sha512, algo: "sha512" },
      ]),
      "/f/disk.qcow2": IMG,
      "/f/CHECKSUM": checksumList([{ name: "disk.qcow2", hex: sha256, algo: "sha256" }], "bsd"),
      "/bad/disk.img": IMG,
      "/bad/SHA256SUMS": checksumList([{ name: "disk.img", hex: "f".repeat(64), algo: "sha256" }]),
    },
  });
});
afterAll(async () => {
  await srv.stop();
  rmSync(root, { recursive: true, force: true });
});
beforeEach(() => {
  cacheDir = mkdtempSync(join(root, "cache-"));
  srv.requests.length = 0;
});

const src = (path: string, checksumPath?: string) => ({
  kind: "url" as const,
  url: srv.url + path,
  ...(checksumPath ? { checksumUrl: srv.url + checksumPath } : {}),
});

async function expectBytes(path: string) {
  expect(Buffer.from(await Bun.file(path).bytes()).equals(Buffer.from(IMG))).toBe(true);
}

async function rumError(p: Promise<unknown>): Promise<RumError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(RumError);
  return e as RumError;
}

describe("fetchImage", () => {
  test("fresh download verified by [image] sha256, with sidecar and cache name", async () => {
    const img = await fetchImage(src("/u/disk.img"), { cacheDir, expectedSha256: sha256 });
    expect(img).toMatchObject({ sha256, size: IMG.length, fromCache: false, verifiedBy: "sha256" });
    expect(img.path).toMatch(/\/[0-9a-f]{16}-disk\.img$/);
    await expectBytes(img.path);
    const sidecar = await Bun.file(`${img.path}.json`).json();
    expect(sidecar).toMatchObject({ url: `${srv.url}/u/disk.img`, sha256, size: IMG.length });
    expect(Date.parse(sidecar.downloadedAt)).toBeGreaterThan(0);
    expect(readdirSync(cacheDir).sort()).toEqual([
      `${img.path.split("/").pop()}`,
      `${img.path.split("/").pop()}.json`,
    ]);
  });

  test("verified by a sha256sum list", async () => {
    const img = await fetchImage(src("/u/disk.img", "/u/SHA256SUMS"), { cacheDir });
    expect(img.verifiedBy).toBe("checksum-list");
    await expectBytes(img.path);
  });

  test("verified by a SHA512SUMS list (Debian), sha512 computed while streaming", async () => {
    const img = await fetchImage(src("/d/disk.qcow2", "/d/SHA512SUMS"), { cacheDir });
    expect(img).toMatchObject({ verifiedBy: "checksum-list", sha256 });
    await expectBytes(img.path);
  });

  test("verified by a BSD-style CHECKSUM (Fedora)", async () => {
    const img = await fetchImage(src("/f/disk.qcow2", "/f/CHECKSUM"), { cacheDir });
    expect(img.verifiedBy).toBe("checksum-list");
  });

  test("wrong digest: error naming both digests and the URL; no final file, no .part", async () => {
    const e = await rumError(fetchImage(src("/bad/disk.img", "/bad/SHA256SUMS"), { cacheDir }));
    expect(e.message).toContain("checksum mismatch");
    expect(e.message).toContain(`${srv.url}/bad/disk.img`);
    expect(e.details.join("\n")).toContain("f".repeat(64));
    expect(e.details.join("\n")).toContain(sha256);
    expect(e.hint).toBeTruthy();
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  test("a wrong pinned sha256 fails the same way", async () => {
    const e = await rumError(
      fetchImage(src("/u/disk.img"), { cacheDir, expectedSha256: "0".repeat(64) }),
    );
    expect(e.message).toContain("checksum mismatch");
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  test("404: image not found, with the URL and a hint about [image] base", async () => {
    const e = await rumError(fetchImage(src("/nope.img"), { cacheDir }));
    expect(e.message).toBe(`image not found (HTTP 404) at ${srv.url}/nope.img`);
    expect(e.hint).toContain("[image] base");
    expect(e.hint).toContain("rum image search");
  });

  test("a checksum list without the file's line is a clear error", async () => {
    srv.setFile("/u/EMPTYSUMS", utf8(`${"1".repeat(64)}  something-else.img\n`));
    const e = await rumError(fetchImage(src("/u/disk.img", "/u/EMPTYSUMS"), { cacheDir }));
    expect(e.message).toContain("has no entry for disk.img");
  });

  test("server errors (5xx) are retried, then reported", async () => {
    srv.setFault("/u/disk.img", "status:503");
    const e = await rumError(
      fetchImage(src("/u/disk.img"), { cacheDir, retries: 2, retryDelayMs: 0 }),
    );
    srv.setFault("/u/disk.img", null);
    expect(e.message).toContain("HTTP 503");
    expect(srv.requests.filter((r) => r.path === "/u/disk.img").length).toBe(3);
  });

  test("connection refused: error with a hint, nothing cached", async () => {
    const e = await rumError(
      fetchImage({ kind: "url", url: "http://127.0.0.1:1/x.img" }, { cacheDir }),
    );
    expect(e.message).toContain("connection refused");
    expect(e.hint).toBeTruthy();
  });

  test("a cached image is reused without any request", async () => {
    const first = await fetchImage(src("/u/disk.img", "/u/SHA256SUMS"), { cacheDir });
    srv.requests.length = 0;
    const again = await fetchImage(src("/u/disk.img", "/u/SHA256SUMS"), { cacheDir });
    expect(again).toMatchObject({ path: first.path, fromCache: true, sha256 });
    expect(srv.requests).toEqual([]);
  });

  test("a cached copy that differs from a newly pinned sha256 is fetched again", async () => {
    const first = await fetchImage(src("/u/disk.img"), { cacheDir });
    await Bun.write(`${first.path}.json`, JSON.stringify({ ...first, sha256: "e".repeat(64) }));
    const notes: string[] = [];
    const again = await fetchImage(src("/u/disk.img"), {
      cacheDir,
      expectedSha256: sha256,
      onNote: (m) => notes.push(m),
    });
    expect(again.fromCache).toBe(false);
    expect(notes.join("\n")).toContain("does not match");
  });

  test("an image without a known checksum is downloaded and flagged as unverified", async () => {
    const notes: string[] = [];
    const img = await fetchImage(src("/u/disk.img"), { cacheDir, onNote: (m) => notes.push(m) });
    expect(img.verifiedBy).toBe("none");
    expect(notes.join("\n")).toContain(`sha256 = "${sha256}"`);
  });

  test("progress events carry received/total/rate", async () => {
    srv.setFault("/u/disk.img", "slow:8000000");
    const events: { received: number; total?: number; rate: number }[] = [];
    await fetchImage(src("/u/disk.img"), { cacheDir, onProgress: (p) => events.push(p) });
    srv.setFault("/u/disk.img", null);
    expect(events.length).toBeGreaterThan(1);
    expect(events.at(-1)).toMatchObject({ received: IMG.length, total: IMG.length });
    expect(events.some((e) => e.rate > 0)).toBe(true);
  });
});

test("a 64 MiB image streamed from disk arrives intact", async () => {
  const big = join(root, "big.raw");
  const fd = Bun.file(big).writer();
  for (let i = 0; i < 64; i++)
    fd.write(i % 8 === 0 ? randomBytes(1 << 20) : new Uint8Array(1 << 20));
  await fd.end();
  const want = new Bun.CryptoHasher("sha256");
  for await (const c of Bun.file(big).stream()) want.update(c);
  srv.setFile("/big.raw", big);
  const img = await fetchImage(src("/big.raw"), { cacheDir, expectedSha256: want.digest("hex") });
  expect(img.size).toBe(64 << 20);
});
