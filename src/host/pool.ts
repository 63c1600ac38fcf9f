/**
 * The `rum` storage pool and its volumes. VM disks live in a libvirt pool, not
 * under $HOME: under qemu:///system qemu runs as another user that cannot read
 * a private home, and a pool also works on a remote libvirt host.
 */
import { join } from "pathe";
import { RumError } from "../errors";
import { dataHome } from "../state/paths";
import type { Virsh } from "./virsh";

export const POOL = "rum";
/**
 * Serial console logs, written by virtlogd (as root) and read back with
 * `vol-download`, so a libvirt-group user and a remote host can read them too.
 * Under /var/log/libvirt, where SELinux lets virtlogd write.
 */
export const LOG_POOL = "rum-logs";
export const LOG_POOL_DIR = "/var/log/libvirt/rum";

/** Where rum's pools keep their files (the directory rum gives them when it defines them). */
export function poolDir(uri: string, pool = POOL): string {
  if (pool === LOG_POOL) return LOG_POOL_DIR;
  return uri.includes("/session") ? join(dataHome(), "rum", "pool") : "/var/lib/libvirt/images/rum";
}

/**
 * Define, build and start the pool on first use; start it if it is inactive.
 * `known`: its `pool-info` and whether it was just refreshed (host-survey.ts).
 */
export async function ensurePool(
  v: Virsh,
  pool = POOL,
  known?: { info: string | null; refreshed: boolean },
): Promise<void> {
  const info = known ? known.info : await v.lookup(["pool-info", pool]);
  if (info === null) {
    await v.run(["pool-define-as", pool, "dir", "--target", poolDir(v.uri, pool)]);
    await v.run(["pool-build", pool]);
    await v.run(["pool-autostart", pool]).catch(() => undefined);
  }
  const started = info === null || !/^State:\s+running/m.test(info);
  if (started) {
    await v.run(["pool-start", pool]).catch(async (e) => {
      // The directory may have been deleted behind our back: rebuild it and retry.
      await v.run(["pool-build", pool]).catch(() => undefined);
      await v.run(["pool-start", pool]).catch(() => {
        throw e;
      });
    });
  }
  if (started || !known?.refreshed) await refreshPool(v, pool);
}

/**
 * Picks up files changed behind libvirt's back (a UEFI variables file libvirt
 * made at a start). While another rum uploads into the pool, libvirt refuses a
 * refresh ("asynchronous jobs running"); that pool is in use and current.
 */
export async function refreshPool(v: Virsh, pool = POOL): Promise<void> {
  await v.run(["pool-refresh", pool]).catch((e) => {
    if (!/asynchronous jobs running/i.test(String((e as Error).message))) throw e;
  });
}

export async function volumeExists(v: Virsh, name: string): Promise<boolean> {
  return (await v.lookup(["vol-info", "--pool", POOL, name])) !== null;
}

export async function listVolumes(v: Virsh): Promise<string[]> {
  return parseVolumeList(await v.run(["vol-list", "--pool", POOL]));
}

/** Volume names from `vol-list` rows ("name  path"). */
export function parseVolumeList(table: string): string[] {
  return table
    .split("\n")
    .map((l) => l.trim().split(/\s+/)[0] ?? "")
    .filter(Boolean);
}

export async function volumePath(v: Virsh, name: string): Promise<string> {
  return (await v.run(["vol-path", "--pool", POOL, name])).trim();
}

/** Create an empty volume (raw or qcow2, optionally backed by another volume). */
export async function createVolume(
  v: Virsh,
  name: string,
  bytes: number,
  format: "raw" | "qcow2",
  backing?: { volume: string; format: "raw" | "qcow2" },
): Promise<void> {
  const args = ["vol-create-as", POOL, name, String(bytes), "--format", format];
  if (backing) args.push("--backing-vol", backing.volume, "--backing-vol-format", backing.format);
  try {
    await v.run(args);
  } catch (e) {
    if (/No space left/i.test(String(e))) {
      throw new RumError(`no space left to create volume ${name} in pool ${POOL}`, {
        hint: `free space under the pool's directory (${poolDir(v.uri)}), e.g. \`rum destroy\` unused VMs or \`rum image clear\``,
        cause: e,
      });
    }
    throw e;
  }
}

/** Fill a volume from a local file (works across a remote URI too). */
export async function uploadVolume(v: Virsh, name: string, file: string): Promise<void> {
  await v.run(["vol-upload", "--pool", POOL, name, file]);
}

export async function deleteVolume(v: Virsh, name: string): Promise<void> {
  await v.lookup(["vol-delete", "--pool", POOL, name]);
}

export function capacity(info: string | null): number | null {
  const m = info === null ? null : /^Capacity:\s+(\d+) bytes/m.exec(info);
  return m?.[1] === undefined ? null : Number(m[1]);
}

/** A volume's capacity (for qcow2 its virtual size) in bytes; null when it does not exist. */
export async function volumeCapacity(v: Virsh, name: string): Promise<number | null> {
  return capacity(await v.lookup(["vol-info", "--pool", POOL, name, "--bytes"]));
}

/** The capacity of the volume a qcow2 overlay is backed by; null without one. */
export async function backingCapacity(v: Virsh, name: string): Promise<number | null> {
  const xml = await v.lookup(["vol-dumpxml", "--pool", POOL, name]);
  const path = xml === null ? undefined : /<backingStore>\s*<path>([^<]+)<\/path>/.exec(xml)?.[1];
  return path === undefined ? null : capacity(await v.lookup(["vol-info", path, "--bytes"]));
}

/** Grow a volume to `bytes` (qemu-img resize under libvirt); the VM must be off. */
export async function resizeVolume(v: Virsh, name: string, bytes: number): Promise<void> {
  await v.run(["vol-resize", "--pool", POOL, name, String(bytes)]);
}
