/**
 * `rum up` cut short by Ctrl-C (SIGINT to its process group) or `kill -9` in
 * every phase, one after the other on one config, then a `rum up` that must
 * finish the job: one VM, ready, provisioned once. After each interruption
 * the image cache holds no unverified file under its final name and nothing
 * is orphaned. One boot for all interruptions, because a boot under
 * emulation is slow (five down/up cycles are in lifecycle.test.ts).
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { readdirSync, statSync } from "node:fs";
import { join } from "pathe";
import { fileDigest } from "../support/http-server";
import { Bed, guestToml, testImage, vmHostReady } from "./harness";
import { type RunningRum, startRum, until, VirshHold } from "./interrupt-kit";

setDefaultTimeout(20 * 60_000);
const ready = vmHostReady();
const AUX = /\.(part|part\.json|lock|json)$/;

function filesUnder(dir: string): string[] {
  let names: string[] = [];
  try {
    names = readdirSync(dir, { recursive: true }) as string[];
  } catch {
    return [];
  }
  return names.map((n) => join(dir, n)).filter((p) => statSync(p).isFile());
}

describe.skipIf(!ready)("rum up interrupted in every phase", () => {
  const bed = new Bed();
  const hold = new VirshHold(bed.home);
  bed.env.PATH = `${hold.dir}:${bed.env.PATH}`;
  let dir = "";
  let image = { url: "", sha256: "" };
  const imagePath = "/images/debian-12-test.qcow2";
  const rum = (...args: string[]) => bed.rum(args, { cwd: dir });
  const up = () => startRum(["up", "-d"], dir, bed.env);
  const ours = () =>
    bed
      .volumes()
      .filter(
        (v) => v.startsWith("rum-intr-") || v.startsWith(`base-${image.sha256.slice(0, 16)}`),
      );

  /** What must hold after any interruption. */
  async function nothingHalfMade(): Promise<void> {
    for (const f of filesUnder(join(bed.home, "cache", "rum"))) {
      if (AUX.test(f) || f.includes("/imports/")) continue;
      expect({ f, sha256: await fileDigest(f, "sha256") }).toEqual({ f, sha256: image.sha256 });
    }
    expect(bed.domains().length).toBeLessThanOrEqual(1);
    for (const v of ours())
      expect(v).toMatch(
        /^(base-[0-9a-f]{16}\.qcow2|rum-intr-[0-9a-f]{8}-(root\.qcow2|seed-[0-9a-f]{12}\.iso))$/,
      );
    expect(ours().filter((v) => v.includes("-seed-")).length).toBeLessThanOrEqual(1);
  }

  async function interrupted(r: RunningRum, signal: "SIGINT" | "SIGKILL"): Promise<void> {
    r.interrupt(signal);
    expect(await r.exited).toBeNull();
    await hold.release();
    await nothingHalfMade();
  }

  /** Start `rum up`, stop it when a virsh call matching `pattern` is about to run. */
  async function atVirshCall(pattern: string, signal: "SIGINT" | "SIGKILL"): Promise<void> {
    hold.arm(pattern);
    const r = up();
    await until(`virsh ${pattern}`, () => hold.isHolding());
    await interrupted(r, signal);
  }

  beforeAll(async () => {
    image = await bed.serveImage(testImage());
    dir = bed.project(
      "intr",
      guestToml("intr", image, {
        extra: `[provision.system]
script = """
echo run >> /var/tmp/system-runs
sleep 15
echo provisioned
"""
`,
      }),
    );
  });
  afterAll(async () => {
    await hold.release();
    await bed.cleanup();
  });

  test("during the download (SIGINT, then SIGKILL): only a .part, resumed with Range", async () => {
    bed.server?.setFault(imagePath, "slow:4000000");
    const part = () =>
      filesUnder(join(bed.home, "cache", "rum")).find((f) => f.endsWith(".qcow2.part"));
    for (const signal of ["SIGINT", "SIGKILL"] as const) {
      const r = up();
      const before = part() ? statSync(part() as string).size : 0;
      await until("the download to make progress", () => {
        const p = part();
        return p !== undefined && statSync(p).size > before + 1_000_000;
      });
      await interrupted(r, signal);
    }
    expect(bed.server?.requests.some((q) => q.path === imagePath && q.range)).toBe(true);
    bed.server?.setFault(imagePath, null);
  });

  test("during the base-image import (SIGINT; SIGKILL while the upload goes on alone)", async () => {
    await atVirshCall(" vol-upload .*base-", "SIGINT");
    await atVirshCall(" vol-upload .*base-", "SIGKILL");
    // The orphaned upload finished, but only rum records an import as done
    // (what is left is the dead process's lock, which the next run takes over).
    const imports = filesUnder(join(bed.home, "cache", "rum", "imports"));
    expect(imports.filter((f) => !f.endsWith(".importing/lock"))).toEqual([]);
  });

  test("during overlay creation (SIGINT) and the seed upload (SIGKILL)", async () => {
    await atVirshCall(" vol-create-as rum rum-intr-[0-9a-f]+-root\\.qcow2 ", "SIGINT");
    await atVirshCall(" vol-upload .*-seed-", "SIGKILL");
  });

  test("during define (SIGKILL, the define completes alone) and start (SIGINT)", async () => {
    await atVirshCall(" define ", "SIGKILL");
    expect(bed.domains().length).toBe(1);
    await atVirshCall(" start ", "SIGINT");
    expect(JSON.parse((await rum("status", "--json")).stdout).state).toBe("shut off");
  });

  test("during the boot wait (SIGINT): the guest keeps booting", async () => {
    const r = up();
    await until("the wait for an address", () => r.stderr().includes("waiting for an IP address"));
    await interrupted(r, "SIGINT");
    expect(JSON.parse((await rum("status", "--json")).stdout).state).toBe("running");
  });

  test("during provisioning (SIGKILL): the script goes on in the guest", async () => {
    const r = up();
    await until("provisioning", () => r.stderr().includes("system provisioning"));
    await interrupted(r, "SIGKILL");
  });

  test("the next rum up finishes the job: one VM, ready, provisioned once", async () => {
    const r = await rum("up", "-d");
    expect(r.stderr).toContain("is ready at");
    expect(r.code).toBe(0);
    expect((await rum("exec", "--", "cat", "/var/tmp/system-runs")).stdout).toBe("run\n");
    await nothingHalfMade();
    expect(ours().length).toBe(3); // base, root, one seed
    const cache = filesUnder(join(bed.home, "cache", "rum")).filter((f) => f.endsWith(".part"));
    expect(cache).toEqual([]);
  });

  test("destroy leaves nothing", async () => {
    expect((await rum("destroy", "--yes")).code).toBe(0);
    expect(bed.domains()).toEqual([]);
    expect(ours().filter((v) => v.startsWith("rum-intr-"))).toEqual([]);
  });
});
