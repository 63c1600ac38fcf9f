/** rum.toml + the VM's volumes → the DomainSpec the XML is generated from. */
import { existsSync } from "node:fs";
import { type Arch, guestArch } from "../config/arch";
import type { DomainSpec, UefiLoader } from "../domain/spec";
import { POOL } from "../host/pool";
import { isRemoteUri } from "../host/uri";
import { version } from "../version";
import { serialLogPath } from "./console-log";
import type { Vm } from "./context";
import type { ResolvedMount } from "./mounts";

/** The plain (no secure boot) UEFI pair per guest arch, as Debian ships them (ovmf, qemu-efi-aarch64). */
export const UEFI_PAIRS: Record<Arch, UefiLoader> = {
  x86_64: {
    code: "/usr/share/OVMF/OVMF_CODE_4M.fd",
    varsTemplate: "/usr/share/OVMF/OVMF_VARS_4M.fd",
  },
  aarch64: {
    code: "/usr/share/AAVMF/AAVMF_CODE.fd",
    varsTemplate: "/usr/share/AAVMF/AAVMF_VARS.fd",
  },
};

export function domainSpec(vm: Vm, seedVolume: string, mounts: ResolvedMount[]): DomainSpec {
  const { config, path, hash, name } = vm.loaded;
  const arch = guestArch(config);
  // Firmware auto-selection can pick a secure-boot build that needs SMM, which
  // nested KVM here lacks; the plain pair is known to boot, so prefer it locally.
  const pair = UEFI_PAIRS[arch];
  const explicitPair =
    config.advanced.firmware === "uefi" &&
    !isRemoteUri(vm.virsh.uri) &&
    existsSync(pair.code) &&
    existsSync(pair.varsTemplate);
  return {
    name: vm.domain,
    title: name,
    domainType: config.advanced.domain_type,
    cpuModel: config.advanced.cpu_model,
    arch,
    machine: config.advanced.machine,
    firmware: config.advanced.firmware,
    ...(explicitPair ? { uefiLoader: pair } : {}),
    cpus: config.resources.cpus,
    memoryMiB: config.resources.memory_mb,
    pool: POOL,
    rootVolume: vm.rootVolume,
    seedVolume,
    drives: Object.keys(config.drives).map((d) => ({ name: d, volume: vm.driveVolume(d) })),
    nics: vm.nics.map((n) => ({ mac: n.mac, source: n.source })),
    mounts: mounts.map((m) => ({
      tag: m.tag,
      hostPath: m.hostPath,
      readonly: m.readonly,
      type: m.type,
    })),
    serialLogPath: serialLogPath(vm),
    metadata: { configPath: path, configHash: hash, vmName: name, version },
  };
}
