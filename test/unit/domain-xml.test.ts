/**
 * The domain XML against libvirt's own schema (virt-xml-validate), read back
 * with an independent parser (xmllint --xpath).
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DomainSpec, domainXml, hostEnforcesReadonly, macFor } from "../../src/domain";
import { diffDomains } from "../../src/domain/diff";
import { cpuOf } from "../../src/domain/domain-xml";

const dir = mkdtempSync(join(tmpdir(), "rum-domain-xml-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;

function save(xml: string): string {
  const file = join(dir, `d${fileNo++}.xml`);
  writeFileSync(file, xml);
  return file;
}

function validate(xml: string): { ok: boolean; out: string } {
  const r = Bun.spawnSync(["virt-xml-validate", save(xml), "domain"]);
  return { ok: r.exitCode === 0, out: r.stdout.toString() + r.stderr.toString() };
}

/** One value read back by libxml2; xmllint adds exactly one newline after it. */
function xpath(xml: string, expr: string): string {
  const r = Bun.spawnSync(["xmllint", "--xpath", `string(${expr})`, save(xml)]);
  if (r.exitCode !== 0) throw new Error(r.stderr.toString());
  return r.stdout.toString().replace(/\n$/, "");
}

function count(xml: string, expr: string): number {
  return Number(xpath(xml, `count(${expr})`));
}

const minimal: DomainSpec = {
  name: "rum-min-00000000",
  domainType: "qemu",
  arch: "x86_64",
  machine: "q35",
  firmware: "bios",
  cpus: 1,
  memoryMiB: 512,
  pool: "rum",
  rootVolume: "rum-min-00000000.qcow2",
  seedVolume: "rum-min-00000000-seed-abc.iso",
  drives: [],
  nics: [],
  mounts: [],
  metadata: { configPath: "/p/rum.toml", configHash: "h", vmName: "min", version: "0.1.0" },
};

const full: DomainSpec = {
  ...minimal,
  name: "rum-dev-1a2b3c4d",
  title: "dev",
  domainType: "kvm",
  firmware: "uefi",
  cpus: 4,
  memoryMiB: 4096,
  drives: ["data", "logs", "z1"].map((name) => ({ name, volume: `rum-dev-${name}.qcow2` })),
  nics: [
    { mac: macFor("rum-dev-1a2b3c4d", 0), source: { network: "default" } },
    { mac: macFor("rum-dev-1a2b3c4d", 1), source: { bridge: "br0" } },
  ],
  mounts: [
    { tag: "project", hostPath: "/home/u/project", readonly: false, type: "virtiofs" },
    { tag: "docs", hostPath: "/usr/share/doc", readonly: true, type: "virtiofs" },
    { tag: "nine", hostPath: "/srv/shared", readonly: true, type: "9p" },
  ],
  serialLogPath: "/var/lib/rum/dev/serial.log",
};

const aarch64: DomainSpec = { ...full, domainType: "qemu", arch: "aarch64", machine: "virt" };

describe("domainXml validates against libvirt's schema", () => {
  const cases: [string, DomainSpec][] = [
    ["minimal", minimal],
    ["full (uefi auto, 3 drives, 2 NICs, virtiofs + 9p, readonly, serial log)", full],
    [
      "uefi explicit loader",
      {
        ...minimal,
        firmware: "uefi",
        uefiLoader: {
          code: "/usr/share/OVMF/OVMF_CODE_4M.fd",
          varsTemplate: "/usr/share/OVMF/OVMF_VARS_4M.fd",
          nvramPath: "/var/lib/libvirt/qemu/nvram/rum-min_VARS.fd",
        },
      },
    ],
    ["kvm", { ...minimal, domainType: "kvm" }],
    ["qemu", { ...full, domainType: "qemu" }],
    ["aarch64 virt (uefi auto, everything)", aarch64],
    [
      "aarch64 virt, explicit AAVMF pair",
      {
        ...aarch64,
        uefiLoader: {
          code: "/usr/share/AAVMF/AAVMF_CODE.fd",
          varsTemplate: "/usr/share/AAVMF/AAVMF_VARS.fd",
        },
      },
    ],
  ];
  for (const [what, spec] of cases) {
    test(what, () => {
      const r = validate(domainXml(spec));
      expect(r.out).toContain("validates");
      expect(r.ok).toBe(true);
    });
  }
});

describe("domainXml content", () => {
  const xml = domainXml(full);

  test("resources, cpu per domain type, lifecycle", () => {
    expect(xpath(xml, "/domain/@type")).toBe("kvm");
    expect(xpath(xml, "/domain/memory")).toBe("4096");
    expect(xpath(xml, "/domain/memory/@unit")).toBe("MiB");
    expect(xpath(xml, "/domain/currentMemory")).toBe("4096");
    expect(xpath(xml, "/domain/vcpu")).toBe("4");
    expect(xpath(xml, "/domain/cpu/@mode")).toBe("host-passthrough");
    expect(xpath(domainXml(minimal), "/domain/cpu/model")).toBe("qemu64");
    expect(xpath(xml, "/domain/on_poweroff")).toBe("destroy");
    expect(count(xml, "/domain/devices/graphics")).toBe(0);
  });

  test("firmware: bios, uefi auto without secure boot, explicit pair", () => {
    expect(count(domainXml(minimal), "/domain/os/@firmware")).toBe(0);
    expect(xpath(xml, "/domain/os/@firmware")).toBe("efi");
    expect(xpath(xml, "/domain/os/firmware/feature[@name='secure-boot']/@enabled")).toBe("no");
    const explicit = domainXml({
      ...minimal,
      firmware: "uefi",
      uefiLoader: { code: "/c.fd", varsTemplate: "/v.fd" },
    });
    expect(count(explicit, "/domain/os/@firmware")).toBe(0);
    expect(xpath(explicit, "/domain/os/loader")).toBe("/c.fd");
    expect(xpath(explicit, "/domain/os/loader/@type")).toBe("pflash");
    expect(xpath(explicit, "/domain/os/nvram/@template")).toBe("/v.fd");
    expect(xpath(explicit, "/domain/os/nvram")).toBe("");
  });

  test("UEFI variables in the pool (for snapshots): with the explicit pair and with auto-selection", () => {
    const nvramPath = "/var/lib/libvirt/images/rum/rum-x-uefi-vars.fd";
    const loader = { code: "/c.fd", varsTemplate: "/v.fd" };
    const explicit = domainXml({ ...minimal, firmware: "uefi", uefiLoader: loader, nvramPath });
    expect(xpath(explicit, "/domain/os/nvram")).toBe(nvramPath);
    expect(xpath(explicit, "/domain/os/nvram/@template")).toBe("/v.fd");
    const auto = domainXml({ ...minimal, firmware: "uefi", nvramPath });
    expect(xpath(auto, "/domain/os/@firmware")).toBe("efi");
    expect(xpath(auto, "/domain/os/nvram")).toBe(nvramPath);
    expect(validate(auto).ok).toBe(true);
  });

  test("disks: root vda, drives vdb.. with serials, seed as read-only SATA cdrom", () => {
    const disk = (dev: string) => `/domain/devices/disk[target/@dev='${dev}']`;
    expect(xpath(xml, `${disk("vda")}/source/@volume`)).toBe("rum-min-00000000.qcow2");
    expect(xpath(xml, `${disk("vda")}/driver/@discard`)).toBe("unmap");
    expect(xpath(xml, `${disk("vdb")}/serial`)).toBe("data");
    expect(xpath(xml, `${disk("vdd")}/serial`)).toBe("z1");
    expect(xpath(xml, `${disk("vdd")}/source/@pool`)).toBe("rum");
    expect(xpath(xml, `${disk("sda")}/@device`)).toBe("cdrom");
    expect(count(xml, `${disk("sda")}/readonly`)).toBe(1);
  });

  test("NICs keep their MAC and source", () => {
    expect(xpath(xml, "/domain/devices/interface[1]/@type")).toBe("network");
    expect(xpath(xml, "/domain/devices/interface[2]/source/@bridge")).toBe("br0");
    expect(xpath(xml, "/domain/devices/interface[2]/mac/@address")).toBe(full.nics[1]?.mac ?? "");
  });

  test("mounts: shared memory for virtiofs; readonly only where libvirt enforces it", () => {
    expect(xpath(xml, "/domain/memoryBacking/access/@mode")).toBe("shared");
    expect(count(domainXml(minimal), "/domain/memoryBacking")).toBe(0);
    const fs = (tag: string) => `/domain/devices/filesystem[target/@dir='${tag}']`;
    expect(xpath(xml, `${fs("docs")}/driver/@type`)).toBe("virtiofs");
    expect(count(xml, `${fs("docs")}/readonly`)).toBe(0);
    expect(xpath(xml, `${fs("nine")}/@accessmode`)).toBe("passthrough");
    expect(count(xml, `${fs("nine")}/readonly`)).toBe(1);
    expect(full.mounts.map(hostEnforcesReadonly)).toEqual([false, false, true]);
  });

  test("serial log, console, guest agent, rng; no USB, no balloon", () => {
    expect(xpath(xml, "/domain/devices/serial/log/@file")).toBe("/var/lib/rum/dev/serial.log");
    expect(xpath(xml, "/domain/devices/serial/log/@append")).toBe("on");
    expect(count(domainXml(minimal), "/domain/devices/serial/log")).toBe(0);
    expect(xpath(xml, "/domain/devices/console/target/@type")).toBe("serial");
    expect(xpath(xml, "/domain/devices/channel/target/@name")).toBe("org.qemu.guest_agent.0");
    expect(xpath(xml, "/domain/devices/rng/backend")).toBe("/dev/urandom");
    expect(xpath(xml, "/domain/devices/memballoon/@model")).toBe("none");
    expect(xpath(xml, "/domain/devices/controller[@type='usb']/@model")).toBe("none");
  });
});

describe("[advanced] cpu_model", () => {
  test("auto: host-passthrough under kvm, the TCG choice under qemu", () => {
    expect(cpuOf({ arch: "x86_64", domainType: "kvm" })).toBe("host-passthrough");
    expect(cpuOf({ arch: "x86_64", domainType: "kvm", cpuModel: "auto" })).toBe("host-passthrough");
    expect(cpuOf({ arch: "x86_64", domainType: "qemu" })).toBe("qemu64-v2");
    expect(cpuOf({ arch: "aarch64", domainType: "qemu" })).toBe("maximum");
    expect(validate(domainXml({ ...minimal, domainType: "qemu" })).ok).toBe(true);
  });
  test("qemu64-v2: QEMU's qemu64 (an AMD CPU) plus every x86-64-v2 feature", () => {
    const xml = domainXml({ ...minimal, domainType: "qemu" });
    expect(xpath(xml, "string(/domain/cpu/@mode)")).toBe("custom");
    expect(xpath(xml, "string(/domain/cpu/model)")).toBe("qemu64");
    const required = (f: string) =>
      count(xml, `/domain/cpu/feature[@policy='require' and @name='${f}']`);
    // x86-64-v2: CMPXCHG16B, LAHF/SAHF, POPCNT, SSE3 (in qemu64), SSE4.1, SSE4.2, SSSE3.
    for (const f of ["cx16", "lahf_lm", "popcnt", "sse4.1", "sse4.2", "ssse3"])
      expect(required(f)).toBe(1);
    expect(count(xml, "/domain/cpu/feature[@name='avx']")).toBe(0);
    expect(validate(xml).ok).toBe(true);
    const chosen = domainXml({ ...minimal, domainType: "kvm", cpuModel: "qemu64-v2" });
    expect(xpath(chosen, "string(/domain/cpu/model)")).toBe("qemu64");
  });
  test("a named model is a custom CPU libvirt does not check against the host", () => {
    const xml = domainXml({ ...minimal, domainType: "qemu", cpuModel: "Nehalem" });
    expect(xpath(xml, "string(/domain/cpu/@mode)")).toBe("custom");
    expect(xpath(xml, "string(/domain/cpu/@check)")).toBe("none");
    expect(xpath(xml, "string(/domain/cpu/model)")).toBe("Nehalem");
    expect(validate(xml).ok).toBe(true);
    const max = domainXml({ ...minimal, cpuModel: "maximum" });
    expect(xpath(max, "string(/domain/cpu/@mode)")).toBe("maximum");
  });
  test("a change of model is a change of the domain", () => {
    expect(diffDomains(minimal, { ...minimal, cpuModel: "Nehalem" })).toContain(
      `advanced.cpu_model ${cpuOf(minimal)} → Nehalem`,
    );
  });
});

describe("domainXml for an aarch64 guest", () => {
  const xml = domainXml(aarch64);

  test("virt machine, -cpu max under TCG, no APIC", () => {
    expect(xpath(xml, "/domain/os/type/@arch")).toBe("aarch64");
    expect(xpath(xml, "/domain/os/type/@machine")).toBe("virt");
    expect(xpath(xml, "/domain/cpu/@mode")).toBe("maximum");
    expect(count(xml, "/domain/features/acpi")).toBe(1);
    expect(count(xml, "/domain/features/apic")).toBe(0);
    expect(xpath(domainXml(full), "/domain/os/type/@arch")).toBe("x86_64");
    expect(count(domainXml(full), "/domain/features/apic")).toBe(1);
  });

  test("seed CD-ROM on virtio-scsi, no SATA or IDE anywhere", () => {
    expect(xpath(xml, "/domain/devices/disk[@device='cdrom']/target/@bus")).toBe("scsi");
    expect(xpath(xml, "/domain/devices/controller[@type='scsi']/@model")).toBe("virtio-scsi");
    expect(count(xml, "//target[@bus='sata' or @bus='ide']")).toBe(0);
    // On x86_64 the only controller rum names is the USB one it turns off.
    expect(count(domainXml(full), "/domain/devices/controller[@type!='usb']")).toBe(0);
    // Every other disk, NIC and rng is virtio, as on x86_64.
    expect(count(xml, "/domain/devices/disk[@device='disk']/target[@bus!='virtio']")).toBe(0);
    expect(count(xml, "/domain/devices/interface/model[@type!='virtio']")).toBe(0);
  });

  test("serial log on the PL011, console on it", () => {
    expect(xpath(xml, "/domain/devices/serial/target/@type")).toBe("system-serial");
    expect(xpath(xml, "/domain/devices/serial/target/model/@name")).toBe("pl011");
    expect(xpath(xml, "/domain/devices/serial/log/@file")).toBe("/var/lib/rum/dev/serial.log");
    expect(xpath(xml, "/domain/devices/console/target/@type")).toBe("serial");
    expect(count(domainXml(full), "/domain/devices/serial/target/model")).toBe(0);
  });
});
