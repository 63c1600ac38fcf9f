/**
 * The host checks that read files and PATH only (no subprocess): quick
 * enough for `rum up`'s preflight as well as `rum doctor`. Each returns an
 * error-level Check on failure; the caller grades it down to a warning when
 * the config at hand does not need the thing.
 */
import { access, constants, readdir, stat, statfs } from "node:fs/promises";
import { dirname } from "pathe";
import type { Check } from "./doctor-types";

const GIB = 1024 ** 3;
const QEMU_TYPE = 'or set `[advanced] domain_type = "qemu"` (software emulation, slow)';

export const good = (id: string, summary: string): Check => ({ id, status: "ok", summary });
export const bad = (id: string, summary: string, fix: string): Check => ({
  id,
  status: "error",
  summary,
  fix,
});

export const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  );

/**
 * Under qemu:///system QEMU runs as libvirt's own user (in group kvm), so the
 * device must exist and be open to its group; only a session guest, which
 * runs as this user, needs this user to read and write it.
 */
export async function checkKvm(
  device: string,
  fixCommand: string,
  session = false,
): Promise<Check> {
  const st = await stat(device).catch(() => null);
  if (!st) {
    const fix = `enable VT-x/AMD-V in the firmware (or nested KVM) and load kvm_intel/kvm_amd, ${QEMU_TYPE}`;
    return bad("kvm", `${device} does not exist`, fix);
  }
  const fix = `\`${fixCommand}\` (chown root:kvm ${device}, chmod 0660, joins you to kvm), ${QEMU_TYPE}`;
  if (!session) {
    if ((st.mode & 0o060) === 0o060) return good("kvm", `${device} is usable by libvirt's QEMU`);
    return bad(
      "kvm",
      `${device} is not open to its group (mode ${(st.mode & 0o777).toString(8)})`,
      fix,
    );
  }
  try {
    await access(device, constants.R_OK | constants.W_OK);
    return good("kvm", `${device} is usable`);
  } catch {
    return bad("kvm", `${device} is not read/writable by this user`, fix);
  }
}

export function tool(id: string, found: string | null, fixCommand: string): Check {
  return found
    ? good(id, `${id} found at ${found}`)
    : bad(id, `${id} is not on PATH`, `\`${fixCommand}\` installs it`);
}

export const VIRTIOFSD_PATHS = [
  "/usr/lib/qemu/virtiofsd",
  "/usr/libexec/virtiofsd",
  "/usr/lib/virtiofsd",
];

export async function checkVirtiofsd(
  paths: string[],
  which: (n: string) => string | null,
  fixCommand: string,
): Promise<Check> {
  for (const p of paths) if (await exists(p)) return good("virtiofsd", `virtiofsd found at ${p}`);
  const onPath = which("virtiofsd");
  if (onPath) return good("virtiofsd", `virtiofsd found at ${onPath}`);
  const fix = `\`${fixCommand}\` (virtiofsd, or qemu-system-common on Debian 12)`;
  return bad("virtiofsd", "virtiofsd not found: mounts will use 9p (slower)", fix);
}

export async function checkOvmf(
  code: string,
  descriptorDir: string,
  fixCommand: string,
): Promise<Check> {
  if (await exists(code)) return good("ovmf", `OVMF firmware found at ${code}`);
  const descriptors = await readdir(descriptorDir).catch((): string[] => []);
  if (descriptors.some((f) => f.endsWith(".json"))) {
    return good("ovmf", `firmware descriptors found in ${descriptorDir}`);
  }
  const fix = `\`${fixCommand}\` (OVMF / edk2), or set \`[advanced] firmware = "bios"\``;
  return bad("ovmf", 'OVMF not found: needed only for firmware = "uefi"', fix);
}

/** An aarch64 guest boots only from UEFI: AAVMF, the aarch64 build of edk2. */
export async function checkAavmf(
  code: string,
  descriptorDir: string,
  fixCommand: string,
): Promise<Check> {
  if (await exists(code)) return good("aavmf", `AAVMF firmware found at ${code}`);
  const descriptors = await readdir(descriptorDir).catch((): string[] => []);
  if (descriptors.some((f) => f.endsWith(".json") && f.includes("aarch64"))) {
    return good("aavmf", `aarch64 firmware descriptors found in ${descriptorDir}`);
  }
  const fix = `\`${fixCommand}\` (qemu-efi-aarch64 / edk2-aarch64)`;
  return bad("aavmf", "AAVMF not found: aarch64 guests boot only from UEFI", fix);
}

/** QEMU for aarch64 guests: its own package on most distros (Debian: qemu-system-arm). */
export function checkAarch64Emulator(found: string | null, fixCommand: string): Check {
  const id = "qemu-system-aarch64";
  if (found) return good(id, `${id} found at ${found}`);
  return bad(id, `${id} is not on PATH: it runs aarch64 guests`, `\`${fixCommand}\` installs it`);
}

export async function checkDiskSpace(cacheDir: string, minFree: number): Promise<Check> {
  // The cache folder may not exist yet: measure the filesystem it will be created on.
  let dir = cacheDir;
  while (dir !== dirname(dir) && !(await exists(dir))) dir = dirname(dir);
  const s = await statfs(dir).catch(() => null);
  if (!s) return bad("disk", `cannot measure free space in ${dir}`, "check the image cache folder");
  const free = s.bavail * s.bsize;
  const summary = `${(free / GIB).toFixed(1)} GiB free for the image cache (${cacheDir})`;
  if (free >= minFree) return good("disk", summary);
  const fix = `free at least ${minFree / GIB} GiB, or run \`rum image clear\``;
  return bad("disk", `only ${summary}`, fix);
}
