/**
 * Proof against the real libvirt: the generated XML defines (libvirt's own
 * parser and QEMU checks, stricter than the schema: e.g. no read-only
 * virtiofs), and rum's mark survives libvirt's re-serialisation. Pools and
 * volumes need not exist to define a domain, so none are created.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DomainSpec, domainXml, macFor, parseRumMetadata, RUM_XMLNS } from "../../src/domain";
import { present } from "../support/precondition";

const URI = "qemu:///system";
const dir = mkdtempSync(join(tmpdir(), "rum-domain-libvirt-"));
const defined: string[] = [];

function virsh(...args: string[]): { ok: boolean; out: string; err: string } {
  const r = Bun.spawnSync(["virsh", "-q", "-c", URI, ...args]);
  return { ok: r.exitCode === 0, out: r.stdout.toString(), err: r.stderr.toString() };
}

const libvirtUp = present(`libvirt at ${URI}`, virsh("version").ok);
// aarch64 domains are checked against QEMU's own capabilities, so they need the emulator.
const aarch64Up =
  libvirtUp &&
  present("qemu-system-aarch64 (qemu-system-arm)", Bun.which("qemu-system-aarch64") !== null);

afterAll(() => {
  for (const name of defined) virsh("undefine", "--nvram", name);
  rmSync(dir, { recursive: true, force: true });
});

function uniqueName(): string {
  return `rum-xmltest-${crypto.randomUUID().slice(0, 8)}`;
}

function fullSpec(name: string): DomainSpec {
  return {
    name,
    title: `xml test <&'"]]> $(rm -rf /)`,
    domainType: "qemu",
    arch: "x86_64",
    machine: "q35",
    firmware: "uefi",
    cpus: 2,
    memoryMiB: 1024,
    pool: `rumtest-${name}`,
    rootVolume: `${name}.qcow2`,
    seedVolume: `${name}-seed.iso`,
    drives: ["data", "logs", "z1"].map((d) => ({ name: d, volume: `${name}-${d}.qcow2` })),
    nics: [
      { mac: macFor(name, 0), source: { network: "default" } },
      { mac: macFor(name, 1), source: { bridge: "virbr0" } },
    ],
    mounts: [
      { tag: "project", hostPath: dir, readonly: true, type: "virtiofs" },
      { tag: "nine", hostPath: dir, readonly: true, type: "9p" },
    ],
    serialLogPath: join(dir, "serial.log"),
    metadata: {
      configPath: `/home/u/it's <"odd"> & new\nline/$(rm -rf /)/rum.toml`,
      configHash: "0123abcd",
      vmName: "xml test",
      version: "0.1.0",
    },
  };
}

function define(spec: DomainSpec): void {
  const file = join(dir, `${spec.name}.xml`);
  writeFileSync(file, domainXml(spec));
  defined.push(spec.name);
  const r = virsh("define", file);
  expect(r.err).toBe("");
  expect(r.ok).toBe(true);
}

describe.skipIf(!libvirtUp)("real libvirt", () => {
  test("the full domain defines and rum's mark reads back from dumpxml", () => {
    const spec = fullSpec(uniqueName());
    define(spec);
    const dump = virsh("dumpxml", "--inactive", spec.name);
    expect(dump.ok).toBe(true);
    expect(parseRumMetadata(dump.out)).toEqual(spec.metadata);
    // libvirt kept what rum asked for
    expect(dump.out).toContain("<feature enabled='no' name='secure-boot'/>");
    expect(dump.out).toContain(`<mac address='${macFor(spec.name, 1)}'/>`);
    expect(dump.out).toContain("<serial>z1</serial>");
    expect(dump.out).toContain("<access mode='shared'/>");
    const title = virsh("desc", "--title", spec.name);
    expect(title.out.trim()).toBe(spec.title ?? "");
  });

  test("`virsh metadata DOMAIN URI` output parses too", () => {
    const spec = fullSpec(uniqueName());
    define(spec);
    const meta = virsh("metadata", spec.name, RUM_XMLNS);
    expect(meta.ok).toBe(true);
    expect(parseRumMetadata(meta.out)).toEqual(spec.metadata);
  });

  test("the explicit OVMF pair and a BIOS/kvm-less minimal domain define", () => {
    const explicit = fullSpec(uniqueName());
    explicit.uefiLoader = {
      code: "/usr/share/OVMF/OVMF_CODE_4M.fd",
      varsTemplate: "/usr/share/OVMF/OVMF_VARS_4M.fd",
      nvramPath: join(dir, "VARS.fd"),
    };
    define(explicit);
    expect(virsh("dumpxml", explicit.name).out).toContain("OVMF_CODE_4M.fd</loader>");
    const bios = { ...fullSpec(uniqueName()), firmware: "bios" as const, drives: [], mounts: [] };
    define(bios);
    expect(parseRumMetadata(virsh("dumpxml", bios.name).out)).toEqual(bios.metadata);
  });

  test('domain_type = "kvm": libvirt defines it with its CPU and device choices intact', () => {
    // Booting it needs a host whose /dev/kvm runs ordinary guests (this kind of machine
    // has none); libvirt's define checks the XML against the kvm driver's capabilities.
    const kvm = { ...fullSpec(uniqueName()), domainType: "kvm" as const };
    define(kvm);
    const dump = virsh("dumpxml", "--inactive", kvm.name).out;
    expect(dump).toStartWith("<domain type='kvm'");
    expect(parseRumMetadata(dump)).toEqual(kvm.metadata);
  });

  test("a domain rum did not make has no mark", () => {
    const name = uniqueName();
    const file = join(dir, `${name}.xml`);
    writeFileSync(
      file,
      `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><os><type arch='x86_64'>hvm</type></os></domain>`,
    );
    defined.push(name);
    expect(virsh("define", file).ok).toBe(true);
    expect(parseRumMetadata(virsh("dumpxml", name).out)).toBeNull();
  });
});

// Defined, read back and undefined, never started: booting an aarch64 guest
// under TCG is left to the lifecycle tests.
describe.skipIf(!aarch64Up)("real libvirt, aarch64 guest", () => {
  const aarch64 = (name: string): DomainSpec => ({
    ...fullSpec(name),
    arch: "aarch64",
    machine: "virt",
  });

  test("the full domain defines as a virt machine with PL011, virtio-scsi CD-ROM, no PC devices", () => {
    const spec = aarch64(uniqueName());
    define(spec);
    const dump = virsh("dumpxml", "--inactive", spec.name).out;
    expect(parseRumMetadata(dump)).toEqual(spec.metadata);
    expect(dump).toMatch(/<type arch='aarch64' machine='virt(-[0-9.]+)?'>hvm<\/type>/);
    expect(dump).toContain("<emulator>/usr/bin/qemu-system-aarch64</emulator>");
    expect(dump).toContain("<model name='pl011'/>");
    expect(dump).toContain("<target dev='sda' bus='scsi'/>");
    expect(dump).toContain("<controller type='scsi' index='0' model='virtio-scsi'>");
    expect(dump).toContain("<cpu mode='maximum'");
    // Nothing a PC has and the virt machine lacks (libvirt adds none of it by itself).
    for (const pc of [
      "bus='sata'",
      "bus='ide'",
      "bus='ps2'",
      "<apic",
      "model='isa-serial'",
      "pcspk",
    ])
      expect(dump).not.toContain(pc);
  });

  test("UEFI: the explicit AAVMF pair and firmware auto-selection both define", () => {
    const explicit = aarch64(uniqueName());
    explicit.uefiLoader = {
      code: "/usr/share/AAVMF/AAVMF_CODE.fd",
      varsTemplate: "/usr/share/AAVMF/AAVMF_VARS.fd",
      nvramPath: join(dir, "AAVMF_VARS.fd"),
    };
    define(explicit);
    expect(virsh("dumpxml", explicit.name).out).toContain("AAVMF_CODE.fd</loader>");
    const auto = aarch64(uniqueName());
    define(auto);
    expect(virsh("dumpxml", auto.name).out).toContain("<os firmware='efi'>");
  });
});
