/**
 * `rum up` cut short by Ctrl-C (SIGINT to its process group) or `kill -9` in
 * every phase, one after the other on one config, then a `rum up` that must
 * finish the job: one VM, ready, provisioned once. Where the phase is a real
 * operation that takes time (download, base import, seed upload, start,
 * provisioning) the signal lands while it runs, and the test logs the
 * operation's own progress at that moment ("signal at …") and checks it was
 * strictly between start and end. After each interruption the image cache
 * holds no unverified file under its final name and nothing is orphaned. One
 * boot for all interruptions, because a boot under emulation is slow.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { appendFileSync, copyFileSync, readdirSync, statSync } from "node:fs";
import { join } from "pathe";
import { fileDigest } from "../support/http-server";
import { Bed, guestToml, testImage, virsh, vmHostReady } from "./harness";
import { type Proc, procs, type RunningRum, startRum, until } from "./interrupt-kit";
import { VirshWrapper, type WrapMode } from "./virsh-wrapper";

setDefaultTimeout(20 * 60_000);
const ready = vmHostReady();
const AUX = /\.(part|part\.json|lock|json)$/;
const MiB = 1024 * 1024;

function filesUnder(dir: string): string[] {
  let names: string[] = [];
  try {
    names = readdirSync(dir, { recursive: true }) as string[];
  } catch {
    return [];
  }
  return names.map((n) => join(dir, n)).filter((p) => statSync(p).isFile());
}

/** The operation's progress at the signal, for the test output. */
function signalAt(phase: string, what: string): void {
  console.log(`[interruptions] ${phase}: signal at ${what}`);
}

describe.skipIf(!ready)("rum up interrupted in every phase", () => {
  const bed = new Bed();
  const wrap = new VirshWrapper(bed.home);
  bed.env.PATH = `${wrap.dir}:${bed.env.PATH}`;
  let dir = "";
  let image = { url: "", sha256: "", size: 0 };
  const imagePath = "/images/debian-12-test.qcow2";
  const rum = (...args: string[]) => bed.rum(args, { cwd: dir });
  const up = () => startRum(["up", "-d"], dir, bed.env);
  const baseVolume = () => `base-${image.sha256.slice(0, 16)}.qcow2`;
  const ours = () => bed.volumes().filter((v) => v.startsWith("rum-intr-") || v === baseVolume());
  const seedTemps = () =>
    filesUnder(join(bed.home, "data")).filter((f) => /\.seed-\d+\.iso$/.test(f));
  const realVirsh = (r: RunningRum, verb: string) => (p: Proc) =>
    p.pgid === r.pid && p.argv[0] === wrap.real && p.argv.includes(verb);

  /** The pool volume's SHA-256, read back through libvirt. */
  async function volumeDigest(name: string): Promise<string> {
    const file = join(bed.home, `${name}.check`);
    expect(virsh("vol-download", "--pool", "rum", name, file).code).toBe(0);
    return fileDigest(file, "sha256");
  }

  /** Wait until rum has said `text`; its stderr is the error if it ends first. */
  async function untilSaid(r: RunningRum, text: string): Promise<void> {
    let ended = false;
    void r.exited.then(() => {
      ended = true;
    });
    await until(`rum to say "${text}"`, () => {
      if (r.stderr().includes(text)) return true;
      if (ended) throw new Error(`rum ended before saying "${text}":\n${r.stderr()}`);
      return false;
    });
  }

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
    await wrap.release();
    await nothingHalfMade();
  }

  /** Start `rum up`, stop it when a virsh call matching `pattern` is about to run. */
  async function beforeVirshCall(pattern: string, signal: "SIGINT" | "SIGKILL"): Promise<void> {
    wrap.arm(pattern, { hold: true });
    const r = up();
    await until(`virsh ${pattern}`, () => wrap.hasMatched());
    await interrupted(r, signal);
  }

  /**
   * Start `rum up` with the matching `virsh vol-upload` throttled; signal once
   * `atLeast` bytes went to the real virsh, which must still be running.
   */
  async function duringUpload(
    phase: string,
    pattern: string,
    mode: WrapMode,
    atLeast: (total: number) => number,
    signal: "SIGINT" | "SIGKILL",
  ): Promise<void> {
    wrap.arm(pattern, mode);
    const r = up();
    await until(`${phase} to make progress`, () => {
      const p = wrap.progress();
      return p !== null && p.sent >= atLeast(p.total);
    });
    const uploading = procs().filter(realVirsh(r, "vol-upload"));
    const at = wrap.progress();
    r.interrupt(signal);
    expect(uploading.length).toBe(1);
    expect(at !== null && at.sent > 0 && at.sent < at.total).toBe(true);
    signalAt(
      `${phase} (${signal})`,
      `${at?.sent} of ${at?.total} bytes handed to the running \`virsh vol-upload\` (PID ${uploading[0]?.pid})`,
    );
    expect(await r.exited).toBeNull();
    await wrap.release();
    await nothingHalfMade();
  }

  beforeAll(async () => {
    // A copy with a block appended (qcow2 ignores it): its own digest, so its
    // base volume is made by this test, never one other guests are using.
    const path = join(bed.home, "intr-image.qcow2");
    copyFileSync(testImage(), path);
    appendFileSync(path, Buffer.alloc(4096, "rum interruptions test\n"));
    image = { ...(await bed.serveImage(path)), size: statSync(path).size };
    dir = bed.project(
      "intr",
      guestToml("intr", image, {
        extra: `[provision.system]
script = """
echo run >> /var/tmp/system-runs
echo started
sleep 25
echo finished
echo done >> /var/tmp/system-done
"""
`,
      }),
    );
  });
  afterAll(async () => {
    await wrap.release();
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
      const got = statSync(part() as string).size;
      expect(got).toBeLessThan(image.size);
      signalAt(`download (${signal})`, `${got} of ${image.size} bytes in the .part`);
      await interrupted(r, signal);
    }
    expect(bed.server?.requests.some((q) => q.path === imagePath && q.range)).toBe(true);
    bed.server?.setFault(imagePath, null);
  });

  test("during the base-image upload (SIGINT: half a volume; SIGKILL: it goes on alone)", async () => {
    const slow = { chunkBytes: MiB, delayS: 0.1 };
    const imports = () => filesUnder(join(bed.home, "cache", "rum", "imports"));
    await duringUpload("base import", " vol-upload .*base-", slow, () => 24 * MiB, "SIGINT");
    // A really half-written volume (a fresh one: the image is this test's own),
    // which nothing records as imported.
    expect(await volumeDigest(baseVolume())).not.toBe(image.sha256);
    expect(imports().filter((f) => !f.endsWith(".importing/lock"))).toEqual([]);
    await duringUpload("base import", " vol-upload .*base-", slow, () => 48 * MiB, "SIGKILL");
    // The orphaned upload finished, but only rum records an import as done
    // (what is left is the dead process's lock, which the next run takes over).
    expect(imports().filter((f) => !f.endsWith(".importing/lock"))).toEqual([]);
  });

  test("before overlay creation (SIGINT) and during the seed upload (SIGINT)", async () => {
    await beforeVirshCall(" vol-create-as rum rum-intr-[0-9a-f]+-root\\.qcow2 ", "SIGINT");
    const slow = { chunkBytes: 4096, delayS: 0.25 };
    await duringUpload("seed upload", " vol-upload .*-seed-", slow, (t) => t / 4, "SIGINT");
    // Killed rum left its temporary ISO (it holds the guest's host key); the
    // next run removes it (checked at the end).
    expect(seedTemps().length).toBe(1);
  });

  test("before define (SIGKILL, the define completes alone), during start (SIGINT)", async () => {
    await beforeVirshCall(" define ", "SIGKILL");
    const [domain] = bed.domains();
    expect(domain).toBeDefined();
    const r = up();
    let starter: Proc | undefined;
    let qemu: Proc | undefined;
    // The window is QEMU's process existing while libvirt has not yet answered
    // `virsh start` (it is still setting QEMU up): watched every 5 ms.
    await until(
      "QEMU to exist while `virsh start` runs",
      () => {
        const all = procs();
        const s = all.find(realVirsh(r, "start"));
        if (starter && !s) throw new Error("`virsh start` returned before QEMU was seen");
        starter = s ?? starter;
        qemu = all.find((p) => p.argv.some((a) => a.startsWith(`guest=${domain},`)));
        return s !== undefined && qemu !== undefined;
      },
      600_000,
      5,
    );
    r.interrupt("SIGINT");
    signalAt(
      "start (SIGINT)",
      `QEMU PID ${qemu?.pid} running, \`virsh start\` PID ${starter?.pid} not yet returned`,
    );
    expect(await r.exited).toBeNull();
    await nothingHalfMade();
    // libvirt may leave QEMU with its CPUs stopped (the next rum up resumes it),
    // or finish the start on its own a moment later: both are recoverable.
    const state = JSON.parse((await rum("status", "--json")).stdout).state;
    console.log(`[interruptions] after the interrupted start, libvirt says: ${state}`);
    expect(["paused", "running"]).toContain(state);
  });

  test("during the boot wait (SIGINT): the guest keeps booting", async () => {
    const r = up();
    await untilSaid(r, "waiting for an IP address");
    await interrupted(r, "SIGINT");
    expect(JSON.parse((await rum("status", "--json")).stdout).state).toBe("running");
  });

  test("during provisioning (SIGINT): the script goes on in the guest", async () => {
    const r = up();
    await untilSaid(r, "[system] started");
    const midway = !r.stderr().includes("[system] finished");
    r.interrupt("SIGINT");
    expect(midway).toBe(true);
    expect(await r.exited).toBeNull();
    const guest = await rum("exec", "--", "sh", "-c", "cat /var/tmp/system-runs; ls /var/tmp");
    signalAt(
      "provisioning (SIGINT)",
      `the script printed "started", not "finished"; in the guest just after: ${JSON.stringify(guest.stdout)}`,
    );
    expect(guest.stdout).toStartWith("run\n");
    expect(guest.stdout).not.toContain("system-done");
    await nothingHalfMade();
  });

  test("the next rum up finishes the job: one VM, ready, provisioned once", async () => {
    const r = await rum("up", "-d");
    expect(r.stderr).toContain("is ready at");
    expect(r.code).toBe(0);
    // Per spec.md, [provision.system] runs once on the first boot; the one
    // that rum stopped following ran to its end, and was not started again.
    const guest = await rum(
      "exec",
      "--",
      "sh",
      "-c",
      "cat /var/tmp/system-runs /var/tmp/system-done /var/lib/rum/provision-system.exit",
    );
    expect(guest.stdout).toBe("run\ndone\n0\n");
    await nothingHalfMade();
    const listed = virsh("vol-list", "--pool", "rum");
    expect(listed.err).toBe("");
    expect(ours().length).toBe(3); // base, root, one seed
    expect(await volumeDigest(baseVolume())).toBe(image.sha256);
    const cache = filesUnder(join(bed.home, "cache", "rum")).filter((f) => f.endsWith(".part"));
    expect(cache).toEqual([]);
    expect(seedTemps()).toEqual([]);
  });

  test("destroy leaves nothing", async () => {
    expect((await rum("destroy", "--yes")).code).toBe(0);
    expect(bed.domains()).toEqual([]);
    expect(ours().filter((v) => v.startsWith("rum-intr-"))).toEqual([]);
  });
});
