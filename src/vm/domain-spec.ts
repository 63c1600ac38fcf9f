/** rum.toml + the VM's volumes → the DomainSpec the XML is generated from. */
import { existsSync } from "node:fs";
import type { DomainSpec } from "../domain/spec";
import { POOL } from "../host/pool";
import { isRemoteUri } from "../host/uri";
import { version } from "../version";
import { serialLogPath } from "./console-log";
import type { Vm } from "./context";
import type { ResolvedMount } from "./mounts";

const OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd";
const OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd";

export function domainSpec(vm: Vm, seedVolume: string, mounts: ResolvedMount[]): DomainSpec {
  const { config, path, hash, name } = vm.loaded;
  // Firmware auto-selection can pick a secure-boot build that needs SMM, which
  // nested KVM here lacks; the plain OVMF pair is known to boot, so prefer it locally.
  const explicitOvmf =
    config.advanced.firmware === "uefi" &&
    !isRemoteUri(vm.virsh.uri) &&
    existsSync(OVMF_CODE) &&
    existsSync(OVMF_VARS);
  return {
    name: vm.domain,
    title: name,
    domainType: config.advanced.domain_type,
    cpuModel: config.advanced.cpu_model,
    machine: config.advanced.machine,
    firmware: config.advanced.firmware,
    ...(explicitOvmf ? { uefiLoader: { code: OVMF_CODE, varsTemplate: OVMF_VARS } } : {}),
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
