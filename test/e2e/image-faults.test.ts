/**
 * `rum up` against a real HTTP server that misbehaves: nothing boots, so these
 * are quick, but they go through the compiled binary and the real libvirt.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "pathe";
import { Bed, testImage, vmHostReady } from "./harness";

setDefaultTimeout(5 * 60_000);
const ready = vmHostReady();

const toml = (base: string, sha256?: string) => `[image]
base = "${base}"
${sha256 ? `sha256 = "${sha256}"` : ""}
[advanced]
domain_type = "qemu"
`;

describe.skipIf(!ready)("rum up with a misbehaving image server", () => {
  const bed = new Bed();
  let url = "";
  let sha256 = "";
  const cached = () =>
    readdirSync(join(bed.env.XDG_CACHE_HOME as string, "rum", "images")).filter(
      (f) => !f.startsWith("."),
    );

  beforeAll(async () => {
    ({ url, sha256 } = await bed.serveImage(testImage()));
  });
  afterAll(() => bed.cleanup());

  test("404: a clear error, exit 1, nothing defined", async () => {
    const dir = bed.project("missing", toml(`${bed.server?.url}/images/nope.qcow2`));
    const r = await bed.rum(["up", "-d"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not found \(HTTP 404\)/);
    expect(r.stderr).toContain("hint:");
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(bed.domains()).toEqual([]);
  });

  test("wrong digest: refused, names both digests, nothing cached", async () => {
    const dir = bed.project("baddigest", toml(url, "0".repeat(64)));
    const r = await bed.rum(["up", "-d"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("0".repeat(64));
    expect(r.stderr).toContain(sha256);
    expect(cached().filter((f) => f.endsWith(".qcow2"))).toEqual([]);
    expect(bed.domains()).toEqual([]);
  });

  test("a dropped connection is resumed with Range and the image verified", async () => {
    bed.server?.setFault("/images/debian-12-test.qcow2", "drop-after:20000000");
    const dir = bed.project("resume", toml(url, sha256));
    const first = await bed.rum(["image", "pull", url], { cwd: dir });
    bed.server?.setFault("/images/debian-12-test.qcow2", null);
    const ranges = bed.server?.requests.filter((q) => q.range) ?? [];
    if (first.code !== 0) {
      // Gave up after its retries: the next command resumes from the .part file.
      const again = await bed.rum(["image", "pull", url], { cwd: dir });
      expect(again.code).toBe(0);
    }
    expect((bed.server?.requests.filter((q) => q.range) ?? ranges).length).toBeGreaterThan(0);
    expect(cached().some((f) => f.endsWith(".qcow2"))).toBe(true);
    expect(cached().some((f) => f.endsWith(".part"))).toBe(false);
  });
});
