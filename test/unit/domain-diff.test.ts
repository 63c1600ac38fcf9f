/**
 * diffDomains names what changed in rum.toml's words; macFor is stable and valid.
 */
import { describe, expect, test } from "bun:test";
import { type DomainSpec, diffDomains, macFor } from "../../src/domain";

const base: DomainSpec = {
  name: "rum-dev-1a2b3c4d",
  title: "dev",
  domainType: "qemu",
  arch: "x86_64",
  machine: "q35",
  firmware: "bios",
  cpus: 2,
  memoryMiB: 2048,
  pool: "rum",
  rootVolume: "root.qcow2",
  seedVolume: "seed-aaa.iso",
  drives: [
    { name: "data", volume: "data.qcow2" },
    { name: "logs", volume: "logs.qcow2" },
  ],
  nics: [{ mac: macFor("rum-dev-1a2b3c4d", 0), source: { network: "default" } }],
  mounts: [{ tag: "src", hostPath: "/home/u/src", readonly: false, type: "virtiofs" }],
  serialLogPath: "/var/log/serial.log",
  metadata: { configPath: "/p/rum.toml", configHash: "h1", vmName: "dev", version: "0.1.0" },
};

describe("diffDomains", () => {
  test("nothing changed, and metadata alone is not a change", () => {
    expect(diffDomains(base, structuredClone(base))).toEqual([]);
    const meta = { ...base.metadata, configHash: "h2", version: "0.2.0" };
    expect(diffDomains(base, { ...base, metadata: meta })).toEqual([]);
  });

  test("scalars show old → new", () => {
    const next = {
      ...base,
      cpus: 4,
      memoryMiB: 4096,
      domainType: "kvm" as const,
      firmware: "uefi" as const,
    };
    expect(diffDomains(base, next)).toEqual([
      "resources.cpus 2 → 4",
      "resources.memory_mb 2048 → 4096",
      "advanced.domain_type qemu → kvm",
      "advanced.firmware bios → uefi",
    ]);
  });

  test("arch: a change is named; a spec saved before arch existed was x86_64", () => {
    const arm = { ...base, arch: "aarch64" as const, machine: "virt" };
    expect(diffDomains(base, arm)).toEqual([
      "advanced.arch x86_64 → aarch64",
      "advanced.machine q35 → virt",
    ]);
    const { arch: _, ...saved } = base;
    expect(diffDomains(saved as DomainSpec, base)).toEqual([]);
  });

  test("UEFI loader change under the same firmware", () => {
    const uefi = { ...base, firmware: "uefi" as const };
    const explicit = { ...uefi, uefiLoader: { code: "/c.fd", varsTemplate: "/v.fd" } };
    expect(diffDomains(uefi, explicit)).toEqual(["advanced.firmware (UEFI loader)"]);
  });

  test("seed is its own entry", () => {
    expect(diffDomains(base, { ...base, seedVolume: "seed-bbb.iso" })).toEqual([
      "seed (cloud-init inputs)",
    ]);
  });

  test("drives: added, removed, changed, reordered", () => {
    const [data, logs] = base.drives as [DomainSpec["drives"][0], DomainSpec["drives"][0]];
    const added = { ...base, drives: [...base.drives, { name: "z1", volume: "z1.qcow2" }] };
    expect(diffDomains(base, added)).toEqual(["drives (added z1)"]);
    expect(diffDomains(base, { ...base, drives: [logs] })).toEqual(["drives (removed data)"]);
    const changed = { ...base, drives: [{ ...data, volume: "other.qcow2" }, logs] };
    expect(diffDomains(base, changed)).toEqual(["drives (changed data)"]);
    expect(diffDomains(base, { ...base, drives: [logs, data] })).toEqual(["drives (reordered)"]);
  });

  test("mounts and interfaces", () => {
    const ro = {
      ...base,
      mounts: [{ ...(base.mounts[0] as DomainSpec["mounts"][0]), readonly: true }],
    };
    expect(diffDomains(base, ro)).toEqual(["mounts (changed src)"]);
    const nine = { tag: "x", hostPath: "/x", readonly: false, type: "9p" as const };
    expect(diffDomains(base, { ...base, mounts: [nine] })).toEqual([
      "mounts (added x; removed src)",
    ]);
    const nics = [...base.nics, { mac: macFor(base.name, 1), source: { bridge: "br0" } }];
    expect(diffDomains(base, { ...base, nics })).toEqual([
      "network.interfaces default → default, bridge br0",
    ]);
    const remac = [{ ...(base.nics[0] as DomainSpec["nics"][0]), mac: "52:54:00:00:00:09" }];
    expect(diffDomains(base, { ...base, nics: remac })).toEqual([
      "network.interfaces (MAC addresses)",
    ]);
    expect(diffDomains(base, { ...base, nics: [] })).toEqual(["network.interfaces default → none"]);
  });
});

describe("macFor", () => {
  test("stable across calls and distinct per index and domain", () => {
    expect(macFor("rum-dev-1a2b3c4d", 0)).toBe(macFor("rum-dev-1a2b3c4d", 0));
    const all = new Set([0, 1, 2, 3].flatMap((i) => [macFor("rum-a-1", i), macFor("rum-b-2", i)]));
    expect(all.size).toBe(8);
  });

  test("a known value (sha256 of 'rum-dev-1a2b3c4d:0' starts with ebe266)", () => {
    const hex = new Bun.CryptoHasher("sha256").update("rum-dev-1a2b3c4d:0").digest("hex");
    expect(hex.slice(0, 6)).toBe("ebe266");
    expect(macFor("rum-dev-1a2b3c4d", 0)).toBe("52:54:00:eb:e2:66");
  });

  test("valid unicast, locally administered QEMU prefix", () => {
    for (let i = 0; i < 50; i++) {
      expect(macFor(`rum-vm-${i}`, i)).toMatch(/^52:54:00(:[0-9a-f]{2}){3}$/);
    }
  });

  test("a bad index is a bug", () => {
    expect(() => macFor("x", -1)).toThrow();
    expect(() => macFor("x", 1.5)).toThrow();
  });
});
