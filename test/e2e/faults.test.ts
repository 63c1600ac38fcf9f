/**
 * Faults around `rum up` on the real libvirt: the `default` network undefined,
 * a guest that never gets an address, the libvirt daemon stopped, the pool
 * deleted behind rum's back, two `rum up` on one config at once, and two
 * configs booting in parallel while one guest's cloud-init fails. Most use a
 * disk that boots nothing, so only the last test waits for real guests.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "pathe";
import { present } from "../support/precondition";
import { Bed, guestToml, testImage, virsh, vmHostReady } from "./harness";
import { startLibvirtd, stopLibvirtd } from "./libvirt-daemon";

setDefaultTimeout(20 * 60_000);
const ready = vmHostReady();

describe.skipIf(!ready)("faults around rum up", () => {
  const bed = new Bed();
  let noboot = "";
  const rumIn = (dir: string, ...args: string[]) => bed.rum(args, { cwd: dir });
  const state = async (dir: string) =>
    JSON.parse((await rumIn(dir, "status", "--json")).stdout).state;

  beforeAll(() => {
    const blank = join(bed.home, "blank.qcow2");
    Bun.spawnSync(["qemu-img", "create", "-q", "-f", "qcow2", blank, "64M"]);
    noboot = bed.project(
      "noboot",
      `name = "noboot"
[image]
base = "${blank}"
[resources]
memory_mb = 256
disk = "1G"
[network]
ip_wait_timeout_s = 15
[advanced]
domain_type = "qemu"
`,
    );
  });
  afterAll(() => bed.cleanup());

  test("an undefined default network is defined again; a guest without an address times out clearly", async () => {
    const saved = join(bed.home, "default-net.xml");
    writeFileSync(saved, virsh("net-dumpxml", "--inactive", "default").out);
    // Taking `default` away cuts every running guest on it off its bridge for good.
    const others = virsh("list", "--name").out.trim();
    const undefine = present(`a host where no guest runs (running: ${others})`, others === "");
    if (undefine) {
      virsh("net-destroy", "default");
      expect(virsh("net-undefine", "default").code).toBe(0);
    }
    try {
      const r = await rumIn(noboot, "up", "-d");
      expect(r.stderr).toContain("timed out after 15s waiting for an IP address");
      expect(r.stderr).toContain("rum log --console");
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(r.code).toBe(1);
      expect(virsh("net-info", "default").out).toMatch(/Active:\s+yes/);
      expect(await state(noboot)).toBe("running");
    } finally {
      if (virsh("net-info", "default").code !== 0) {
        virsh("net-define", saved);
        virsh("net-start", "default");
        virsh("net-autostart", "default");
      }
    }
  });

  test("libvirt stopped: up, status, down and destroy say so, and change nothing", async () => {
    await stopLibvirtd();
    try {
      for (const args of [["up", "-d"], ["status"], ["down"], ["destroy", "--yes"]]) {
        const r = await rumIn(noboot, ...args);
        expect({ args, code: r.code }).toEqual({ args, code: 1 });
        expect(r.stderr).toContain("libvirt is not reachable at qemu:///system");
        expect(r.stderr).toMatch(/hint: run `sudo \/\S+\/rum doctor --fix`/);
        expect(r.stderr).not.toMatch(/^\s+at /m);
      }
    } finally {
      await startLibvirtd();
    }
    expect(await state(noboot)).toBe("running");
  });

  test("the pool deleted behind rum's back is made again, with the VM's volumes", async () => {
    const foreign = bed
      .volumes()
      .filter((v) => !v.startsWith("rum-noboot-") && !v.startsWith("base-"));
    if (!present(`a pool without others' volumes (${foreign.join(", ")})`, foreign.length === 0))
      return;
    virsh("destroy", bed.domains()[0] as string);
    for (const op of ["pool-destroy", "pool-delete", "pool-undefine"]) virsh(op, "rum");
    expect(virsh("pool-info", "rum").code).not.toBe(0);
    const r = await rumIn(noboot, "up", "--no-wait");
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.code).toBe(0);
    expect(virsh("pool-info", "rum").out).toMatch(/State:\s+running/);
    const vols = bed.volumes();
    expect(vols.some((v) => v.startsWith("base-"))).toBe(true);
    expect(vols.filter((v) => v.startsWith("rum-noboot-")).length).toBe(2); // root + seed
    expect(await state(noboot)).toBe("running");
    expect((await rumIn(noboot, "destroy", "--yes")).code).toBe(0);
  });

  test("two rum up at once on one config: one VM", async () => {
    const runs = await Promise.all([1, 2].map(() => rumIn(noboot, "up", "--no-wait")));
    for (const r of runs) {
      if (r.code !== 0) expect(r.stderr).toContain("another rum command");
      expect(r.stderr).not.toMatch(/^\s+at /m);
    }
    expect(runs.some((r) => r.code === 0)).toBe(true);
    expect(bed.domains().length).toBe(1);
    expect(await state(noboot)).toBe("running");
    expect((await rumIn(noboot, "destroy", "--yes")).code).toBe(0);
    expect(bed.domains()).toEqual([]);
  });

  test("disk full while downloading: a clear error, the .part kept, nothing under the final name", async () => {
    const image = await bed.serveImage(testImage());
    const tiny = join(bed.home, "tiny-cache");
    mkdirSync(tiny);
    expect(Bun.spawnSync(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", tiny]).exitCode).toBe(
      0,
    );
    try {
      const dir = bed.project("full", guestToml("full", image));
      const r = await bed.rum(["up", "-d"], { cwd: dir, env: { XDG_CACHE_HOME: tiny } });
      expect(r.stderr).toContain(`no space left in the image cache ${join(tiny, "rum", "images")}`);
      expect(r.stderr).toContain("hint:");
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(r.code).toBe(1);
      const files = readdirSync(tiny, { recursive: true }) as string[];
      expect(files.some((f) => f.endsWith(".qcow2.part"))).toBe(true);
      expect(files.some((f) => f.endsWith(".qcow2"))).toBe(false);
      expect(bed.domains().some((d) => d.startsWith("rum-full-"))).toBe(false);
    } finally {
      Bun.spawnSync(["umount", tiny]);
    }
  });

  test("two configs boot in parallel; the one whose cloud-init fails says so", async () => {
    const image = await bed.serveImage(testImage());
    const good = bed.project("para-good", guestToml("para-good", image));
    // The test image has no zfs tools, so the seed's fs setup (a runcmd) fails.
    const bad = bed.project(
      "para-bad",
      guestToml("para-bad", image, {
        extra: `[drives.data]\nsize = "1G"\n[[fs.zfs]]\ndrives = ["data"]\npool = "tank"\ntarget = "/data"\n`,
      }),
    );
    const [g, b] = await Promise.all([rumIn(good, "up", "-d"), rumIn(bad, "up", "-d")]);
    expect(g.stderr).toContain("is ready at");
    expect(g.code).toBe(0);
    expect(b.stderr).toContain("cloud-init reported an error in the guest");
    expect(b.stderr).toContain("/var/log/cloud-init.log");
    expect(b.code).toBe(1);
    expect(await state(bad)).toBe("running");
    const downloads = bed.server?.requests.filter(
      (q) => q.path.endsWith(".qcow2") && q.status === 200,
    );
    expect(downloads?.length).toBe(1);
    expect((await rumIn(good, "exec", "--", "true")).code).toBe(0);
  });

  test("the seed volume (it holds the guest's host key) is not readable by other users", async () => {
    const seed = bed.volumes().find((v) => v.startsWith("rum-para-good-") && v.includes("-seed-"));
    const path = virsh("vol-path", "--pool", "rum", seed as string).out.trim();
    expect(statSync(path).mode & 0o044).toBe(0);
    const asNobody = Bun.spawnSync(["runuser", "-u", "nobody", "--", "head", "-c1", path]);
    expect(asNobody.exitCode).not.toBe(0);
    expect(asNobody.stderr.toString()).toContain("Permission denied");
  });

  test("destroy leaves nothing", async () => {
    for (const dir of ["para-good", "para-bad"])
      expect((await rumIn(join(bed.home, dir), "destroy", "--yes")).code).toBe(0);
    expect(bed.domains()).toEqual([]);
  });
});
