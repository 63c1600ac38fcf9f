/**
 * The guest's CPU architecture and the `[advanced]` defaults that follow from
 * it. The schema's defaults are fixed (they are published in rum.schema.json),
 * so the ones that depend on the arch are applied here, and only to keys the
 * file leaves unset: an explicit value is always the user's.
 */
import type { Config } from "./schema";

export type Arch = "x86_64" | "aarch64";

/** The architecture of the machine running rum (rum is built for x86_64 and aarch64 only). */
export function hostArch(): Arch {
  return process.arch === "arm64" ? "aarch64" : "x86_64";
}

/** The guest's arch: `[advanced] arch`, which the loader has always filled in. */
export function guestArch(config: Config): Arch {
  return config.advanced.arch ?? hostArch();
}

/**
 * Fills `arch` (default: the host's) and, for keys absent from the file
 * (`given` lists the ones present): aarch64 → machine "virt" (q35 is a PC) and
 * firmware "uefi" (an aarch64 guest has no BIOS); a foreign arch → domain_type
 * "qemu", since KVM runs only the host's own instruction set.
 */
export function applyArchDefaults(
  advanced: Config["advanced"],
  given: ReadonlySet<string>,
  host: Arch = hostArch(),
): void {
  advanced.arch ??= host;
  if (advanced.arch === "aarch64") {
    if (!given.has("machine")) advanced.machine = "virt";
    if (!given.has("firmware")) advanced.firmware = "uefi";
  }
  if (advanced.arch !== host && !given.has("domain_type")) advanced.domain_type = "qemu";
}
