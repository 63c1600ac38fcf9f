/** qemu-img format checks on real files, and ensureImage (the `rum up` path) end to end. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import {
  appendFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "pathe";
import { RumError } from "../../src/errors";
import { checkImageFormat, imageInfo } from "../../src/host/qemu-img";
import { clearCache, listCache } from "../../src/image/cache";
import { ensureImage } from "../../src/image/ensure";
import { DIGESTS_DIR } from "../../src/image/local-digest";
import { type ImageServer, startImageServer, utf8 } from "../support/http-server";

let dir: string;
let srv: ImageServer;
const HTML =
  "<!DOCTYPE html>\n<html><head><title>Download</title></head><body>Please log in</body></html>\n";

function qemuImg(...args: string[]) {
  const p = Bun.spawnSync(["qemu-img", ...args]);
  if (p.exitCode !== 0) throw new Error(p.stderr.toString());
}

async function failure(p: Promise<unknown>): Promise<RumError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(RumError);
  return e as RumError;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "rum-image-format-"));
  qemuImg("create", "-q", "-f", "qcow2", join(dir, "good.qcow2"), "64M");
  qemuImg("create", "-q", "-f", "vmdk", join(dir, "disk.vmdk"), "64M");
  qemuImg(
    "create",
    "-q",
    "-f",
    "qcow2",
    "-b",
    join(dir, "good.qcow2"),
    "-F",
    "qcow2",
    join(dir, "overlay.qcow2"),
  );
  writeFileSync(join(dir, "raw.img"), new Uint8Array(2 * 1024 * 1024));
  writeFileSync(join(dir, "page.img"), `${HTML}${"<p>filler</p>\n".repeat(100_000)}`);
  writeFileSync(join(dir, "tiny.img"), new Uint8Array(randomBytes(64 * 1024)));
  const xz = new Uint8Array(2 * 1024 * 1024);
  xz.set([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);
  writeFileSync(join(dir, "disk.qcow2.xz"), xz);
  srv = await startImageServer({
    files: { "/good.qcow2": join(dir, "good.qcow2"), "/login.img": utf8(HTML) },
  });
});
afterAll(async () => {
  await srv.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("qemu-img", () => {
  test("imageInfo reads format and virtual size", async () => {
    expect(await imageInfo(join(dir, "good.qcow2"))).toMatchObject({
      format: "qcow2",
      virtualSize: 64 << 20,
    });
    expect((await imageInfo(join(dir, "overlay.qcow2"))).backingFile).toBe(join(dir, "good.qcow2"));
  });

  test("a real qcow2 and a raw disk pass", async () => {
    expect((await checkImageFormat(join(dir, "good.qcow2"))).format).toBe("qcow2");
    expect((await checkImageFormat(join(dir, "raw.img"))).format).toBe("raw");
  });

  test("an HTML page saved as an image is rejected, naming what qemu-img sees", async () => {
    const e = await failure(checkImageFormat(join(dir, "page.img")));
    expect(e.message).toContain(
      "is not a disk image (qemu-img sees format 'raw' with HTML content",
    );
    expect(e.hint).toContain("[image] base");
  });

  test("too small, compressed, foreign format, backing file: each rejected with its fix", async () => {
    expect((await failure(checkImageFormat(join(dir, "tiny.img")))).message).toContain(
      "is not a disk image",
    );
    expect((await failure(checkImageFormat(join(dir, "disk.qcow2.xz")))).message).toContain(
      "xz-compressed",
    );
    const vmdk = await failure(checkImageFormat(join(dir, "disk.vmdk")));
    expect(vmdk.message).toContain("'vmdk'");
    expect(vmdk.hint).toContain("qemu-img convert");
    expect((await failure(checkImageFormat(join(dir, "overlay.qcow2")))).message).toContain(
      "backing file",
    );
  });

  test("a missing file is a RumError from qemu-img", async () => {
    expect((await failure(imageInfo(join(dir, "absent.qcow2")))).message).toContain(
      "qemu-img cannot read",
    );
  });
});

describe("ensureImage", () => {
  test("URL → downloaded, verified, format-checked; second time from the cache", async () => {
    const cacheDir = join(dir, "cache1");
    const first = await ensureImage(`${srv.url}/good.qcow2`, { configDir: dir, cacheDir });
    expect(first).toMatchObject({ format: "qcow2", virtualSize: 64 << 20, source: "download" });
    expect(first.sha256).toMatch(/^[0-9a-f]{64}$/);
    const again = await ensureImage(`${srv.url}/good.qcow2`, {
      configDir: dir,
      cacheDir,
      sha256: first.sha256,
    });
    expect(again).toMatchObject({ source: "cache", path: first.path });
  });

  test("a URL serving an HTML page with 200 is rejected and not left in the cache", async () => {
    const cacheDir = join(dir, "cache2");
    const e = await failure(ensureImage(`${srv.url}/login.img`, { configDir: dir, cacheDir }));
    expect(e.message).toContain("is not a disk image");
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  test("local paths relative to the config folder, hashed; a wrong sha256 or a missing file fail", async () => {
    const cacheDir = join(dir, "cache3");
    const img = await ensureImage("good.qcow2", { configDir: dir, cacheDir });
    expect(img).toMatchObject({ source: "file", path: join(dir, "good.qcow2"), format: "qcow2" });
    expect(img.sha256).toBe(
      new Bun.CryptoHasher("sha256").update(readFileSync(img.path)).digest("hex"),
    );
    const bad = await failure(
      ensureImage("./good.qcow2", { configDir: dir, cacheDir, sha256: "0".repeat(64) }),
    );
    expect(bad.message).toContain("checksum mismatch");
    const missing = await failure(ensureImage("./nope.qcow2", { configDir: dir, cacheDir }));
    expect(missing.message).toBe(`image file not found: ${join(dir, "nope.qcow2")}`);
  });

  test("a local file's digest is remembered until the file changes (write, touch, replace)", async () => {
    const cacheDir = join(dir, "cache4");
    const path = join(dir, "memo.qcow2");
    qemuImg("create", "-q", "-f", "qcow2", path, "16M");
    const real = () => new Bun.CryptoHasher("sha256").update(readFileSync(path)).digest("hex");
    const first = await ensureImage(path, { configDir: dir, cacheDir });
    expect(first.sha256).toBe(real());
    // The memo is what answers now: a planted digest for the same stamp comes back.
    const [memoFile] = readdirSync(join(cacheDir, DIGESTS_DIR)).map((f) =>
      join(cacheDir, DIGESTS_DIR, f),
    );
    const memo = JSON.parse(readFileSync(memoFile as string, "utf8"));
    writeFileSync(memoFile as string, JSON.stringify({ ...memo, sha256: "f".repeat(64) }));
    expect((await ensureImage(path, { configDir: dir, cacheDir })).sha256).toBe("f".repeat(64));
    // Each change is seen, and the file is hashed again.
    utimesSync(path, new Date(), new Date(Date.now() - 60_000));
    expect((await ensureImage(path, { configDir: dir, cacheDir })).sha256).toBe(real());
    appendFileSync(path, Buffer.alloc(512));
    expect((await ensureImage(path, { configDir: dir, cacheDir })).sha256).toBe(real());
    qemuImg("create", "-q", "-f", "qcow2", `${path}.new`, "32M");
    renameSync(`${path}.new`, path);
    expect((await ensureImage(path, { configDir: dir, cacheDir })).sha256).toBe(real());
    // A memo that is not JSON is no memo; `rum image list` never shows the folder.
    writeFileSync(memoFile as string, "{");
    expect((await ensureImage(path, { configDir: dir, cacheDir })).sha256).toBe(real());
    expect(await listCache(cacheDir)).toEqual([]);
    await clearCache(cacheDir);
    expect(readdirSync(cacheDir)).toEqual([]);
  });
});
