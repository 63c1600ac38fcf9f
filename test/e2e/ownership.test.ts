/**
 * rum never touches what it did not make: a domain that has rum's name but not
 * its metadata mark, and a volume that only shares a rum VM's name prefix.
 * Nothing boots a system here (one VM runs a disk that boots nothing); the
 * objects are defined on the real libvirt.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "pathe";
import { Bed, virsh, vmHostReady } from "./harness";

const ready = vmHostReady();

describe.skipIf(!ready)("rum leaves foreign libvirt objects alone", () => {
  const bed = new Bed();
  let dir = "";
  let domain = "";
  const rum = (...args: string[]) => bed.rum(args, { cwd: dir });

  beforeAll(async () => {
    dir = bed.project(
      "foreign",
      '[image]\nbase = "./never-used.qcow2"\n[advanced]\ndomain_type = "qemu"\n',
    );
    // Refused before the image is ever read; it only has to exist for validation.
    writeFileSync(join(dir, "never-used.qcow2"), "");
    domain = JSON.parse((await rum("validate", "--json")).stdout).domain;
    // A hand-made domain with exactly the name rum would use, and no rum metadata.
    // Its description mentions the bed's folder so the bed's cleanup finds it.
    const xml = `<domain type='qemu'><name>${domain}</name><description>${bed.home}</description>
<memory unit='MiB'>64</memory><os><type arch='x86_64'>hvm</type></os></domain>`;
    writeFileSync(join(bed.home, "foreign.xml"), xml);
    expect(virsh("define", join(bed.home, "foreign.xml")).code).toBe(0);
  });
  afterAll(() => bed.cleanup());

  for (const cmd of [["up", "-d"], ["down"], ["destroy", "--yes"]]) {
    test(`rum ${cmd[0]} refuses a same-named domain without rum's mark`, async () => {
      const r = await rum(...cmd);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("was not created by rum");
      expect(r.stderr).toContain("hint:");
      expect(virsh("dominfo", domain).code).toBe(0);
    });
  }

  test("status reports it as an error too, and changes nothing", async () => {
    const r = await rum("status");
    expect(r.code).toBe(1);
    expect(virsh("dumpxml", domain).out).not.toContain("rum.dev/xmlns");
  });

  test("rum destroy keeps volumes that only share the VM's name prefix", async () => {
    const blank = join(bed.home, "blank.qcow2");
    Bun.spawnSync(["qemu-img", "create", "-q", "-f", "qcow2", blank, "64M"]);
    const own = bed.project(
      "prefix",
      `name = "prefix"\n[image]\nbase = "${blank}"\n[resources]\nmemory_mb = 256\n[advanced]\ndomain_type = "qemu"\n`,
    );
    expect((await bed.rum(["up", "--no-wait"], { cwd: own })).code).toBe(0);
    const vm = JSON.parse((await bed.rum(["status", "--json"], { cwd: own })).stdout).domain;
    const foreign = [
      `${vm}-notes.qcow2`,
      `${vm}-root.qcow2.bak`,
      `${vm}-seed-0123456789ab.iso.old`,
    ];
    for (const v of foreign) expect(virsh("vol-create-as", "rum", v, "1M").code).toBe(0);
    expect((await bed.rum(["destroy", "--yes"], { cwd: own })).code).toBe(0);
    const left = bed.volumes().filter((v) => v.startsWith(`${vm}-`));
    expect(left.sort()).toEqual([...foreign].sort());
    // The decoys are this test's own; no domain is named after them any more.
    for (const v of foreign) expect(virsh("vol-delete", "--pool", "rum", v).code).toBe(0);
  });
});
