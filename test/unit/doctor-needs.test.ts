// rum doctor judges the VM at hand: what its rum.toml needs from this host is
// an error when missing, and a normal user refused by libvirt is told how in.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config/load";
import { type Check, runDoctor } from "../../src/host/doctor";
import { needsOf, preflight } from "../../src/host/doctor-needs";

let tmp = "";
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "rum-doctor-needs-"));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

async function config(name: string, body: string) {
  const file = join(tmp, `${name}.rum.toml`);
  await writeFile(file, `[image]\nbase = "debian-12"\n${body}`);
  return loadConfig({ path: file });
}

/** A PATH whose virsh answers like a healthy host, or fails with `err`. */
async function fakeVirsh(err?: string): Promise<string> {
  const dir = await mkdtemp(join(tmp, "path-"));
  const body = err
    ? `echo "error: failed to connect to the hypervisor" >&2; echo "error: ${err}" >&2; exit 1`
    : 'case "$3" in version) echo "Running hypervisor: QEMU 7.2.0";; net-info) echo "Active: yes";; pool-info) echo "error: Storage pool not found" >&2; exit 1;; esac';
  for (const [name, script] of Object.entries({
    virsh: body,
    "qemu-img": "",
    ssh: "",
    "ssh-keygen": "",
  })) {
    await writeFile(join(dir, name), `#!/bin/sh\n${script}\nexit 0\n`);
    await chmod(join(dir, name), 0o755);
  }
  return dir;
}

const byId = (checks: Check[], id: string) => checks.find((c) => c.id === id) as Check;

describe("what the config needs", () => {
  test("defaults need KVM; uefi needs OVMF; a forced virtiofs mount needs virtiofsd; a remote URI needs nothing here", async () => {
    const plain = await config("plain", "");
    expect(Object.keys(needsOf(plain, "qemu:///system"))).toEqual(["kvm"]);
    const all = await config(
      "all",
      '[advanced]\nfirmware = "uefi"\n[[mounts]]\nsource = "."\ntarget = "/work"\ntype = "virtiofs"\n',
    );
    expect(Object.keys(needsOf(all, "qemu:///system"))).toEqual(["kvm", "uefi", "virtiofs"]);
    expect(needsOf(all, "qemu+ssh://h/system")).toEqual({});
    const tcg = await config("tcg", '[advanced]\ndomain_type = "qemu"\n');
    expect(needsOf(tcg, "qemu:///system")).toEqual({});
  });

  test('domain_type = "kvm" without /dev/kvm: an error naming both ways out; without a config only a warning', async () => {
    const loaded = await config("kvm", '[advanced]\ndomain_type = "kvm"\n');
    const opts = {
      libvirtUri: "qemu:///system",
      cacheDir: tmp,
      path: await fakeVirsh(),
      kvmDevice: join(tmp, "no-kvm"),
    };
    const judged = await runDoctor({ ...opts, needs: needsOf(loaded, "qemu:///system") });
    const kvm = byId(judged.checks, "kvm");
    expect(kvm.status).toBe("error");
    expect(kvm.summary).toContain('domain_type = "kvm"');
    expect(kvm.summary).toContain(loaded.path);
    expect(kvm.fix).toContain("enable VT-x/AMD-V");
    expect(kvm.fix).toContain('domain_type = "qemu"');
    expect(judged.ok).toBe(false);
    const plain = await runDoctor(opts);
    expect(byId(plain.checks, "kvm").status).toBe("warning");
    expect(plain.ok).toBe(true);
  });

  test("uefi without OVMF and a forced virtiofs mount without virtiofsd are errors", async () => {
    const loaded = await config(
      "uefi",
      '[advanced]\nfirmware = "uefi"\n[[mounts]]\nsource = "."\ntarget = "/w"\ntype = "virtiofs"\n',
    );
    const report = await runDoctor({
      libvirtUri: "qemu:///system",
      cacheDir: tmp,
      path: await fakeVirsh(),
      needs: needsOf(loaded, "qemu:///system"),
      ovmfCode: join(tmp, "none.fd"),
      firmwareDescriptorDir: join(tmp, "none"),
      virtiofsdPaths: [],
    });
    expect(byId(report.checks, "ovmf")).toMatchObject({ status: "error" });
    expect(byId(report.checks, "ovmf").fix).toContain('firmware = "bios"');
    expect(byId(report.checks, "virtiofsd")).toMatchObject({ status: "error" });
    expect(byId(report.checks, "virtiofsd").summary).toContain("/w");
  });

  test("an aarch64 guest needs qemu-system-aarch64 and AAVMF, not OVMF; x86_64 does not check them", async () => {
    const arm = await config("arm", '[advanced]\narch = "aarch64"\ndomain_type = "qemu"\n');
    const needs = needsOf(arm, "qemu:///system");
    expect(Object.keys(needs)).toEqual(["aarch64"]);
    expect(needsOf(arm, "qemu+ssh://h/system")).toEqual({});
    const opts = {
      libvirtUri: "qemu:///system",
      cacheDir: tmp,
      path: await fakeVirsh(),
      aavmfCode: join(tmp, "none.fd"),
      firmwareDescriptorDir: join(tmp, "none"),
    };
    const report = await runDoctor({ ...opts, needs });
    for (const id of ["qemu-system-aarch64", "aavmf"]) {
      expect(byId(report.checks, id)).toMatchObject({ status: "error" });
      expect(byId(report.checks, id).summary).toContain(arm.path);
      expect(byId(report.checks, id).fix).toContain("sudo rum doctor --fix");
    }
    expect(report.ok).toBe(false);
    // Descriptors for aarch64 count (libvirt's auto-selection finds the firmware by them).
    const dir = join(tmp, "descriptors");
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "60-edk2-aarch64.json"), "{}");
    const found = await runDoctor({ ...opts, needs, firmwareDescriptorDir: dir });
    expect(byId(found.checks, "aavmf")).toMatchObject({ status: "ok" });
    if (process.arch === "x64") {
      const x86 = await runDoctor(opts);
      expect(x86.checks.map((c) => c.id)).not.toContain("aavmf");
      expect(x86.checks.map((c) => c.id)).not.toContain("qemu-system-aarch64");
    }
  });

  test("preflight (no subprocess): only the errors this config meets", async () => {
    const tcg = await config("pre-tcg", '[advanced]\ndomain_type = "qemu"\n');
    expect(await preflight(tcg, "qemu:///system")).toEqual([]);
  });
});

describe("a normal user refused by libvirt", () => {
  const refused = "internal error: Unable to get system bus connection: Could not connect";
  const doctorAs = async (groupLine: string) => {
    const groupFile = join(tmp, `group-${groupLine.length}`);
    await writeFile(groupFile, `root:x:0:\n${groupLine}\n`);
    const report = await runDoctor({
      libvirtUri: "qemu:///system",
      cacheDir: tmp,
      path: await fakeVirsh(refused),
      uid: 1000,
      groupFile,
      fixCommand: "sudo /opt/rum doctor --fix",
    });
    return byId(report.checks, "libvirt");
  };

  test("not in the libvirt group: the sudo line with the binary's path", async () => {
    const libvirt = await doctorAs("libvirt:x:990:");
    expect(libvirt.status).toBe("error");
    expect(libvirt.summary).toContain("system bus");
    expect(libvirt.fix).toStartWith("`sudo /opt/rum doctor --fix`");
    expect(libvirt.fix).toContain("newgrp libvirt");
  });

  test("in /etc/group's libvirt but not in this session: log in again or newgrp", async () => {
    const me = userInfo().username;
    const libvirt = await doctorAs(`libvirt:x:65000:${me}`);
    expect(libvirt.fix).toStartWith("you are in the libvirt group but this session is not");
  });
});
