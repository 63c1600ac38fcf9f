/**
 * Rules for `[drives.<name>]` and the filesystems made on them
 * (`[[fs.ext4]]`, `[[fs.xfs]]`, `[[fs.btrfs]]`, `[[fs.zfs]]`): which drive
 * keys each kind takes, that named drives exist and are used once, layouts
 * and their minimum drive counts, and the smallest size each mkfs accepts.
 */
import { didYouMean } from "../util/suggest";
import { formatPath, type KeyPath, type Problem } from "./problems";
import type { Rule } from "./rule";
import type { Config } from "./schema";
import { formatSize, sizeBytes } from "./size";

export const FS_KINDS = ["ext4", "xfs", "btrfs", "zfs"] as const;
export type FsKind = (typeof FS_KINDS)[number];
type FsEntry = NonNullable<Config["fs"][FsKind]>[number];

/** Layouts (`mode`) and the fewest drives each needs. */
const MODES: Partial<Record<FsKind, Record<string, number>>> = {
  btrfs: {
    single: 1,
    dup: 1,
    raid0: 1,
    raid1: 2,
    raid1c3: 3,
    raid1c4: 4,
    raid10: 2,
    raid5: 2,
    raid6: 3,
  },
  zfs: { stripe: 1, mirror: 2, raidz: 2, raidz1: 2, raidz2: 3, raidz3: 4 },
};
/** Below these, mkfs.xfs / mkfs.btrfs / zpool create refuse the device. */
const MIN_BYTES: Partial<Record<FsKind, number>> = {
  xfs: 300 * 2 ** 20,
  btrfs: 109 * 2 ** 20,
  zfs: 64 * 2 ** 20,
};
const MIN_DRIVE = 2 ** 20;
const ZFS_POOL = /^[A-Za-z][A-Za-z0-9_.:-]{0,63}$/;
const ZFS_RESERVED = /^(mirror|raidz|draid|spare|log|cache|special|dedup)/;

export interface FsEntryRef {
  kind: FsKind;
  path: KeyPath;
  entry: FsEntry;
}

/** Every fs entry, in kind order, with its key path. */
export function fsEntries(config: Config): FsEntryRef[] {
  return FS_KINDS.flatMap((kind) =>
    (config.fs[kind] ?? []).map((entry, i) => ({ kind, path: ["fs", kind, i], entry })),
  );
}

const drivesRule: Rule = {
  reads: ["drives"],
  check(config) {
    return Object.entries(config.drives).flatMap(([name, drive]): Problem[] => {
      const bytes = sizeBytes(drive.size);
      if (bytes === undefined) return [{ path: ["drives", name, "size"], message: "is too large" }];
      if (bytes < MIN_DRIVE)
        return [{ path: ["drives", name, "size"], message: "must be at least 1M" }];
      return [];
    });
  },
};

const fsRule: Rule = {
  reads: ["fs", "drives"],
  check(config) {
    const problems: Problem[] = [];
    const usedBy = new Map<string, KeyPath>();
    const pools = new Map<string, KeyPath>();
    for (const { kind, path, entry } of fsEntries(config)) {
      const multi = kind === "btrfs" || kind === "zfs";
      const names = driveKeys(kind, path, entry, problems);
      names.forEach(({ name, at }) => {
        const declared = config.drives[name];
        if (!declared) {
          const hint = didYouMean(name, Object.keys(config.drives));
          problems.push({
            path: at,
            message: `drive "${name}" is not declared in [drives]${hint}`,
          });
          return;
        }
        const other = usedBy.get(name);
        if (other) {
          problems.push({
            path: at,
            message: `drive "${name}" is already used by ${formatPath(other)}`,
          });
          return;
        }
        usedBy.set(name, path);
        const min = MIN_BYTES[kind];
        const bytes = sizeBytes(declared.size);
        if (min !== undefined && bytes !== undefined && bytes < min) {
          problems.push({
            path: ["drives", name, "size"],
            message: `must be at least ${formatSize(min)} for ${kind}`,
          });
        }
      });
      if (entry.mode !== undefined) {
        const modes = MODES[kind];
        const need = modes?.[entry.mode];
        if (!modes) problems.push({ path: [...path, "mode"], message: `${kind} takes no mode` });
        else if (need === undefined) {
          problems.push({
            path: [...path, "mode"],
            message: `must be one of: ${Object.keys(modes).join(", ")}`,
          });
        } else if (multi && names.length > 0 && names.length < need) {
          problems.push({
            path: [...path, "drives"],
            message: `mode ${entry.mode} needs at least ${need} drives`,
          });
        }
      }
      problems.push(...poolProblems(kind, path, entry));
      if (entry.pool !== undefined) {
        const other = pools.get(entry.pool);
        if (other) {
          problems.push({
            path: [...path, "pool"],
            message: `pool "${entry.pool}" is already made by ${formatPath(other)}`,
          });
        } else pools.set(entry.pool, path);
      }
    }
    return problems;
  },
};

/** The drive names an entry uses, checking it uses the key its kind takes. */
function driveKeys(kind: FsKind, path: KeyPath, entry: FsEntry, problems: Problem[]) {
  const multi = kind === "btrfs" || kind === "zfs";
  if (!multi) {
    if (entry.drives !== undefined) {
      problems.push({
        path: [...path, "drives"],
        message: `${kind} uses one drive: write drive = "<name>"`,
      });
    }
    if (entry.drive === undefined) {
      problems.push({
        path: [...path, "drive"],
        message: `missing required key (${kind} needs drive = "<name>")`,
      });
      return [];
    }
    return [{ name: entry.drive, at: [...path, "drive"] as KeyPath }];
  }
  if (entry.drive !== undefined) {
    problems.push({
      path: [...path, "drive"],
      message: `${kind} uses drives = ["<name>", …], not drive`,
    });
  }
  if (entry.drives === undefined || entry.drives.length === 0) {
    problems.push({
      path: [...path, "drives"],
      message: `${kind} needs at least one drive in drives = […]`,
    });
    return [];
  }
  return entry.drives.map((name, i) => ({ name, at: [...path, "drives", i] as KeyPath }));
}

function poolProblems(kind: FsKind, path: KeyPath, entry: FsEntry): Problem[] {
  if (kind !== "zfs") {
    return entry.pool === undefined
      ? []
      : [{ path: [...path, "pool"], message: "only zfs takes a pool" }];
  }
  if (entry.pool === undefined)
    return [{ path: [...path, "pool"], message: "missing required key (zfs needs a pool name)" }];
  if (!ZFS_POOL.test(entry.pool) || ZFS_RESERVED.test(entry.pool)) {
    return [
      {
        path: [...path, "pool"],
        message:
          "must be a zfs pool name: a letter, then letters, digits, _ . : -; not mirror, raidz…",
      },
    ];
  }
  return [];
}

export const driveRules: readonly Rule[] = [drivesRule, fsRule];
