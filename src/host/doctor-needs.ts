/**
 * From a config to what it needs from the host, and the quick preflight
 * `rum up` can run before anything slow: file checks only, no subprocess.
 */
import { guestArch } from "../config/arch";
import type { LoadedConfig } from "../config/load";
import { AAVMF_CODE, FIRMWARE_DESCRIPTORS, grade, OVMF_CODE } from "./doctor";
import {
  checkAarch64Emulator,
  checkAavmf,
  checkKvm,
  checkOvmf,
  checkVirtiofsd,
  VIRTIOFSD_PATHS,
} from "./doctor-checks";
import type { Check, HostNeeds } from "./doctor-types";
import { isRemoteUri } from "./uri";

/** Devices and binaries on this machine matter only when libvirt runs on it. */
export function needsOf(loaded: LoadedConfig, uri: string): HostNeeds {
  if (isRemoteUri(uri)) return {};
  const { advanced, mounts } = loaded.config;
  const where = `in ${loaded.path}`;
  const forced = mounts.find((m) => m.type === "virtiofs");
  const arm = guestArch(loaded.config) === "aarch64";
  return {
    ...(advanced.domain_type === "kvm"
      ? { kvm: `\`[advanced] domain_type = "kvm"\` (the default) ${where} needs it` }
      : {}),
    // An aarch64 guest's UEFI is AAVMF, checked with its emulator below.
    ...(advanced.firmware === "uefi" && !arm
      ? { uefi: `\`[advanced] firmware = "uefi"\` ${where} needs it` }
      : {}),
    ...(forced
      ? { virtiofs: `the mount at ${forced.target} asks for \`type = "virtiofs"\` ${where}` }
      : {}),
    ...(arm ? { aarch64: `the aarch64 guest (\`[advanced] arch\`) ${where} needs it` } : {}),
  };
}

/**
 * The errors this host has for this config among the checks that need no
 * subprocess (KVM device, OVMF, virtiofsd, the aarch64 emulator and AAVMF):
 * empty means go ahead.
 */
export async function preflight(
  loaded: LoadedConfig,
  uri: string,
  fixCommand = "sudo rum doctor --fix",
): Promise<Check[]> {
  const needs = needsOf(loaded, uri);
  const checks = await Promise.all([
    needs.kvm ? checkKvm("/dev/kvm", fixCommand, uri.endsWith("/session")) : null,
    needs.uefi ? checkOvmf(OVMF_CODE, FIRMWARE_DESCRIPTORS, fixCommand) : null,
    needs.virtiofs ? checkVirtiofsd(VIRTIOFSD_PATHS, (n) => Bun.which(n), fixCommand) : null,
    needs.aarch64 ? checkAarch64Emulator(Bun.which("qemu-system-aarch64"), fixCommand) : null,
    needs.aarch64 ? checkAavmf(AAVMF_CODE, FIRMWARE_DESCRIPTORS, fixCommand) : null,
  ]);
  return checks
    .filter((c): c is Check => c !== null)
    .map((c) => grade(c, needs))
    .filter((c) => c.status === "error");
}
