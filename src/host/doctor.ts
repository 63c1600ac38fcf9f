/**
 * `rum doctor`: everything rum needs from the host, each as one check with a
 * fix. Independent checks run concurrently. A check is an error when rum
 * cannot work without it, or when the VM at hand needs it (HostNeeds: KVM,
 * UEFI, virtiofs, aarch64); otherwise a missing extra is only a warning.
 */
import { readFile } from "node:fs/promises";
import { userInfo } from "node:os";
import TOML from "@iarna/toml";
import { hostArch } from "../config/arch";
import {
  checkAarch64Emulator,
  checkAavmf,
  checkDiskSpace,
  checkKvm,
  checkOvmf,
  checkVirtiofsd,
  tool,
  VIRTIOFSD_PATHS,
} from "./doctor-checks";
import { checkLibvirt } from "./doctor-libvirt";
import type { Check, DoctorReport, HostNeeds } from "./doctor-types";

export type { Check, CheckStatus, DoctorReport, HostNeeds } from "./doctor-types";

export interface DoctorOptions {
  libvirtUri: string;
  /** Image cache directory whose free space is checked. */
  cacheDir: string;
  /** What the VM at hand needs (from its rum.toml); none: extras are warnings. */
  needs?: HostNeeds;
  /** The command that repairs this host, as the user should type it. */
  fixCommand?: string;
  /** Search path for tools (default: $PATH); tests point it at stub scripts. */
  path?: string;
  kvmDevice?: string;
  virtiofsdPaths?: string[];
  ovmfCode?: string;
  aavmfCode?: string;
  firmwareDescriptorDir?: string;
  minFreeBytes?: number;
  /** How long each virsh call may take (default 10 s). */
  virshTimeoutMs?: number;
  /** Who is asking (default: this process); decides the fix for a refused socket. */
  uid?: number;
  groupFile?: string;
}

const GIB = 1024 ** 3;
export const OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd";
export const AAVMF_CODE = "/usr/share/AAVMF/AAVMF_CODE.fd";
export const FIRMWARE_DESCRIPTORS = "/usr/share/qemu/firmware";

/** Checks that only limit rum (slower, no uefi, no virtiofs, no aarch64) unless the VM needs them. */
const NEEDED_BY: Record<string, keyof HostNeeds> = {
  kvm: "kvm",
  ovmf: "uefi",
  virtiofsd: "virtiofs",
  "qemu-system-aarch64": "aarch64",
  aavmf: "aarch64",
};

/** A failed check stays an error only if the VM needs it; the reason goes into the summary. */
export function grade(check: Check, needs: HostNeeds = {}): Check {
  const need = NEEDED_BY[check.id];
  if (check.status !== "error" || (!need && check.id !== "disk")) return check;
  const reason = need ? needs[need] : undefined;
  if (!reason) return { ...check, status: "warning" };
  return { ...check, summary: `${check.summary}, but ${reason}` };
}

function reportOf(checks: Check[]): DoctorReport {
  return { ok: checks.every((c) => c.status !== "error"), checks };
}

export async function runDoctor(opts: DoctorOptions): Promise<DoctorReport> {
  const PATH = opts.path ?? process.env.PATH ?? "";
  const which = (name: string) => Bun.which(name, { PATH });
  const fix = opts.fixCommand ?? "sudo rum doctor --fix";
  const checks = await Promise.all([
    checkKvm(opts.kvmDevice ?? "/dev/kvm", fix, opts.libvirtUri.endsWith("/session")),
    tool("virsh", which("virsh"), fix),
    checkLibvirt({
      virshPath: which("virsh"),
      uri: opts.libvirtUri,
      timeoutMs: opts.virshTimeoutMs ?? 10_000,
      fixCommand: fix,
      uid: opts.uid ?? process.getuid?.() ?? 0,
      user: userInfo().username,
      groupFile: opts.groupFile ?? "/etc/group",
    }),
    tool("qemu-img", which("qemu-img"), fix),
    tool("ssh", which("ssh"), fix),
    tool("ssh-keygen", which("ssh-keygen"), fix),
    checkVirtiofsd(opts.virtiofsdPaths ?? VIRTIOFSD_PATHS, which, fix),
    checkOvmf(opts.ovmfCode ?? OVMF_CODE, opts.firmwareDescriptorDir ?? FIRMWARE_DESCRIPTORS, fix),
    // aarch64 guests' emulator and firmware: checked where they can matter.
    ...(opts.needs?.aarch64 || hostArch() === "aarch64"
      ? [
          checkAarch64Emulator(which("qemu-system-aarch64"), fix),
          checkAavmf(
            opts.aavmfCode ?? AAVMF_CODE,
            opts.firmwareDescriptorDir ?? FIRMWARE_DESCRIPTORS,
            fix,
          ),
        ]
      : []),
    checkDiskSpace(opts.cacheDir, opts.minFreeBytes ?? 5 * GIB),
  ]);
  return reportOf(checks.flat().map((c) => grade(c, opts.needs)));
}

/**
 * The URI `rum up` would use, in the same order (src/vm/context.ts): --connect,
 * then $RUM_LIBVIRT_URI, then the config's `[advanced] libvirt_uri`. Only that
 * one key is read, so a config that fails validation still points doctor right.
 */
export async function libvirtUriFor(
  configFile: string | undefined,
  env: Record<string, string | undefined> = process.env,
  override?: string,
): Promise<string> {
  if (override) return override;
  if (env.RUM_LIBVIRT_URI) return env.RUM_LIBVIRT_URI;
  try {
    const advanced = configFile ? TOML.parse(await readFile(configFile, "utf8")).advanced : {};
    const uri = (advanced as Record<string, unknown> | undefined)?.libvirt_uri;
    if (typeof uri === "string" && uri) return uri;
  } catch {
    // A missing or broken config is `rum validate`'s business, not doctor's.
  }
  return "qemu:///system";
}
