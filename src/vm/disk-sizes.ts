/**
 * `[resources] disk` and `[drives.NAME] size` after the volumes exist: a
 * larger size grows the volume on the next `rum up` of a stopped VM (the
 * guest's cloud-init grows the root partition and filesystem on every boot);
 * a smaller one is refused before anything changes, since shrinking a disk
 * under a filesystem destroys data. Never ignored silently.
 */
import { formatSize, parseSize } from "../config/size";
import { UsageError } from "../errors";
import { backingCapacity, resizeVolume, volumeCapacity } from "../host/pool";
import type { Vm } from "./context";

export interface SizeChange {
  /** The rum.toml key, e.g. `resources.disk` or `drives.data.size`. */
  key: string;
  volume: string;
  from: number;
  to: number;
}

/** qemu-img rounds sizes up to whole 512-byte sectors: compare in those. */
const SECTOR = 512;
const sectors = (bytes: number) => Math.ceil(bytes / SECTOR) * SECTOR;

/** The volumes whose size rum.toml sets (their capacities are what sizeChanges compares). */
export function sizedVolumes(vm: Vm): string[] {
  return wanted(vm).map((w) => w.volume);
}

function wanted(vm: Vm): { key: string; volume: string; bytes: number }[] {
  const { config } = vm.loaded;
  return [
    { key: "resources.disk", volume: vm.rootVolume, bytes: parseSize(config.resources.disk) },
    ...Object.entries(config.drives).map(([name, d]) => ({
      key: `drives.${name}.size`,
      volume: vm.driveVolume(name),
      bytes: parseSize(d.size),
    })),
  ];
}

/**
 * The volumes that must grow (volumes not made yet are made at their size).
 * A smaller size than the volume has is a UsageError (exit 2) naming the key.
 */
export async function sizeChanges(
  vm: Vm,
  known?: Readonly<Record<string, number | null>>,
): Promise<SizeChange[]> {
  const list = wanted(vm);
  // `known`: read with the rest of `rum up`'s first questions (inspectVm), one virsh process.
  const capacities = await Promise.all(
    list.map((w) =>
      known && w.volume in known ? known[w.volume] : volumeCapacity(vm.virsh, w.volume),
    ),
  );
  const changes: SizeChange[] = [];
  for (const [i, w] of list.entries()) {
    const from = capacities[i];
    if (from === null || from === undefined) continue;
    let to = sectors(w.bytes);
    // The root disk was made at least as large as its image: that floor is no shrink request.
    if (to < from && w.volume === vm.rootVolume)
      to = Math.max(to, (await backingCapacity(vm.virsh, w.volume)) ?? 0);
    if (to < from)
      throw new UsageError(
        `${w.key} is ${formatSize(to)} but the disk is already ${formatSize(from)}: rum does not shrink disks`,
        {
          hint: `set ${w.key} to at least "${formatSize(from)}" (or \`rum up --reset\` for new, empty disks of the smaller size)`,
        },
      );
    if (to > from) changes.push({ key: w.key, volume: w.volume, from, to });
  }
  return changes;
}

/** In the words of `rum up`'s "changed settings" list. */
export function describeSizeChange(c: SizeChange): string {
  return `${c.key} ${formatSize(c.from)} → ${formatSize(c.to)}`;
}

/** Grow each volume; the domain is shut off (a running VM is refused before this). */
export async function growVolumes(vm: Vm, changes: readonly SizeChange[]): Promise<void> {
  for (const c of changes) await resizeVolume(vm.virsh, c.volume, c.to);
}
