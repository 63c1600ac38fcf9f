/**
 * rum's ISO 9660 writer: a whole image in one Uint8Array, no I/O. Level-1
 * names plus Rock Ridge (real names, modes, times) and optionally Joliet.
 *
 * Layout, in blocks of 2048 bytes:
 *   0-15 system area | PVD | [Joliet SVD] | terminator | L, M path tables |
 *   [Joliet L, M path tables] | Rock Ridge continuation areas |
 *   ISO directories | [Joliet directories] | file data (contiguous extents)
 */
import { RumError } from "../../errors";
import { SECTOR } from "./bytes";
import { pathTableSize, putDirectory, putPathTable } from "./directory";
import {
  addRockRidge,
  type DirPlan,
  pathTable,
  placeDirectories,
  planHierarchy,
  resolveRecords,
} from "./hierarchy";
import { ContinuationBlocks } from "./rockridge";
import { buildTree, filesOf, type IsoFile, type TreeFile } from "./tree";
import { normaliseVolumeId, putTerminator, putVolumeDescriptor } from "./volume";

export type { IsoFile } from "./tree";

export interface WriteIsoOptions {
  /** Volume label; d-characters, upper-cased (cloud-init NoCloud wants `CIDATA`). */
  volumeId: string;
  files: IsoFile[];
  /** Timestamp for the volume and every entry without its own mtime; fixes the output bytes. */
  date?: Date;
  /** Add a Joliet hierarchy so Windows and 7-Zip show long names. Default true. */
  joliet?: boolean;
}

const SYSTEM_AREA_BLOCKS = 16;

function blocks(bytes: number): number {
  return Math.ceil(bytes / SECTOR);
}

interface Hierarchy {
  plans: DirPlan[];
  tableSize: number;
  lTable: number;
  mTable: number;
}

/** A fully planned image: its size, and how to encode it into a buffer. */
export interface IsoLayout {
  /** Bytes of the image, a whole number of 2048-byte sectors. */
  size: number;
  /**
   * Encodes the image into `target[0, size)`. Every byte of that range is
   * written, so a reused buffer needs no clearing first.
   */
  writeTo(target: Uint8Array): void;
}

/** Builds the image in a new buffer. */
export function writeIso(opts: WriteIsoOptions): Uint8Array {
  const layout = layoutIso(opts);
  const image = new Uint8Array(layout.size);
  layout.writeTo(image);
  return image;
}

/**
 * Plans the image without allocating it, so a caller can encode it into a
 * buffer it already has (e.g. one reused across writes, which avoids paying
 * the kernel's page faults for fresh memory on large payloads).
 */
export function layoutIso(opts: WriteIsoOptions): IsoLayout {
  const volumeId = normaliseVolumeId(opts.volumeId);
  if (volumeId === null) {
    throw new RumError(`invalid ISO volume label "${opts.volumeId}"`, {
      hint: "use 1-32 characters from A-Z, 0-9 and _ (e.g. CIDATA)",
    });
  }
  const date = opts.date ?? new Date();
  const joliet = opts.joliet ?? true;
  const root = buildTree(opts.files, date);

  // Path tables come first because their size depends only on directory names,
  // which fixes where the Rock Ridge continuation blocks start.
  const descriptorBlocks = joliet ? 3 : 2;
  let next = SYSTEM_AREA_BLOCKS + descriptorBlocks;
  const place = (plans: DirPlan[]): Hierarchy => {
    const tableSize = pathTableSize(pathTable(plans));
    const lTable = next;
    const mTable = lTable + blocks(tableSize);
    next = mTable + blocks(tableSize);
    return { plans, tableSize, lTable, mTable };
  };
  const iso = place(planHierarchy(root, "iso"));
  const jol = joliet ? place(planHierarchy(root, "joliet")) : null;

  const continuation = new ContinuationBlocks(next);
  addRockRidge(iso.plans, continuation);
  next += continuation.blockCount;
  next = placeDirectories(iso.plans, next);
  if (jol) next = placeDirectories(jol.plans, next);

  const metadataEnd = next * SECTOR;
  const fileExtents = new Map<TreeFile, number>();
  const files = filesOf(root);
  for (const f of files) {
    // Empty files own no blocks and their extent is never read; 0 keeps it inside the volume.
    fileExtents.set(f, f.data.length === 0 ? 0 : next);
    next += blocks(f.data.length);
  }
  resolveRecords(iso.plans, fileExtents);
  if (jol) resolveRecords(jol.plans, fileExtents);

  const volumeBlocks = next;
  const volume = (h: Hierarchy) => ({
    volumeId,
    volumeBlocks,
    pathTableSize: h.tableSize,
    lPathTable: h.lTable,
    mPathTable: h.mTable,
    root: { ...(h.plans[0]?.records[0] ?? missingRoot()), systemUse: new Uint8Array(0) },
    date,
  });
  const writeTo = (image: Uint8Array): void => {
    if (image.length < volumeBlocks * SECTOR) {
      throw new Error(
        `ISO target buffer holds ${image.length} bytes, needs ${volumeBlocks * SECTOR}`,
      );
    }
    image.fill(0, 0, metadataEnd);
    putVolumeDescriptor(image, SYSTEM_AREA_BLOCKS, volume(iso), false);
    if (jol) putVolumeDescriptor(image, SYSTEM_AREA_BLOCKS + 1, volume(jol), true);
    putTerminator(image, SYSTEM_AREA_BLOCKS + descriptorBlocks - 1);
    for (const h of jol ? [iso, jol] : [iso]) {
      const table = pathTable(h.plans);
      putPathTable(image, h.lTable * SECTOR, table, false);
      putPathTable(image, h.mTable * SECTOR, table, true);
      for (const p of h.plans) putDirectory(image, p.extent * SECTOR, p.records);
    }
    continuation.writeTo(image);
    for (const f of files) {
      if (f.data.length === 0) continue;
      const at = (fileExtents.get(f) ?? 0) * SECTOR;
      image.set(f.data, at);
      image.fill(0, at + f.data.length, at + blocks(f.data.length) * SECTOR);
    }
  };
  return { size: volumeBlocks * SECTOR, writeTo };
}

function missingRoot(): never {
  throw new Error("ISO writer planned no root directory");
}
