/** The shapes `rum doctor` reports in, shared by the checks and their callers. */

/** ok: passed. warning: rum works, but slower or without a feature. error: rum cannot run this VM. */
export type CheckStatus = "ok" | "warning" | "error";

export interface Check {
  id: string;
  status: CheckStatus;
  summary: string;
  fix?: string;
}

export interface DoctorReport {
  /** No check is an error. */
  ok: boolean;
  checks: Check[];
}

/**
 * What the VM at hand needs from this host, each with the reason shown to
 * the user (e.g. `domain_type = "kvm" in /src/rum.toml`). A missing need's
 * check is an error; without it, the same check is only a warning.
 */
export interface HostNeeds {
  kvm?: string;
  /** UEFI for an x86_64 guest: OVMF. */
  uefi?: string;
  virtiofs?: string;
  /** An aarch64 guest: qemu-system-aarch64 and the AAVMF firmware. */
  aarch64?: string;
}
