/**
 * ECMA-119 directory records (9.1), directory extents and path tables (9.4).
 * Sizes are computed before locations are known, so the writer can lay out
 * the image in one pass and then encode it.
 */
import {
  putDate7,
  putU16BE,
  putU16Both,
  putU16LE,
  putU32BE,
  putU32Both,
  putU32LE,
  roundUp,
  SECTOR,
} from "./bytes";

const FLAG_DIRECTORY = 0x02;
/** Records are at most 255 bytes and, kept even, at most 254. */
const MAX_RECORD = 254;

export interface DirRecord {
  /** File identifier bytes: 0x00 for `.`, 0x01 for `..`, else a name. */
  id: Uint8Array;
  isDir: boolean;
  date: Date;
  systemUse: Uint8Array;
  /** Filled in once the layout is known. */
  extent: number;
  size: number;
}

function fixedLength(idLength: number): number {
  return 33 + idLength + (idLength % 2 === 0 ? 1 : 0);
}

/** System Use bytes still free in a record with an identifier of `idLength` bytes. */
export function systemUseRoom(idLength: number): number {
  return MAX_RECORD - fixedLength(idLength);
}

export function recordLength(r: Pick<DirRecord, "id" | "systemUse">): number {
  return fixedLength(r.id.length) + r.systemUse.length;
}

export function putRecord(buf: Uint8Array, at: number, r: DirRecord): number {
  const len = recordLength(r);
  buf[at] = len;
  buf[at + 1] = 0;
  putU32Both(buf, at + 2, r.extent);
  putU32Both(buf, at + 10, r.size);
  putDate7(buf, at + 18, r.date);
  buf[at + 25] = r.isDir ? FLAG_DIRECTORY : 0;
  buf[at + 26] = 0;
  buf[at + 27] = 0;
  putU16Both(buf, at + 28, 1);
  buf[at + 32] = r.id.length;
  buf.set(r.id, at + 33);
  buf.set(r.systemUse, at + fixedLength(r.id.length));
  return len;
}

/** Bytes a directory extent needs; a record never crosses a sector boundary (ECMA-119 6.8.1.1). */
export function directorySize(records: readonly DirRecord[]): number {
  let at = 0;
  for (const r of records) {
    const len = recordLength(r);
    if ((at % SECTOR) + len > SECTOR) at = roundUp(at, SECTOR);
    at += len;
  }
  return roundUp(Math.max(at, 1), SECTOR);
}

export function putDirectory(buf: Uint8Array, start: number, records: readonly DirRecord[]): void {
  let at = 0;
  for (const r of records) {
    const len = recordLength(r);
    if ((at % SECTOR) + len > SECTOR) at = roundUp(at, SECTOR);
    at += putRecord(buf, start + at, r);
  }
}

export interface PathTableEntry {
  id: Uint8Array;
  extent: number;
  /** 1-based number of the parent directory in the same table (the root is its own parent). */
  parent: number;
}

function pathEntryLength(id: Uint8Array): number {
  return 8 + id.length + (id.length % 2);
}

export function pathTableSize(entries: readonly PathTableEntry[]): number {
  return entries.reduce((n, e) => n + pathEntryLength(e.id), 0);
}

/** Writes an L (little-endian) or M (big-endian) path table. */
export function putPathTable(
  buf: Uint8Array,
  start: number,
  entries: readonly PathTableEntry[],
  bigEndian: boolean,
): void {
  let at = start;
  for (const e of entries) {
    buf[at] = e.id.length;
    buf[at + 1] = 0;
    if (bigEndian) {
      putU32BE(buf, at + 2, e.extent);
      putU16BE(buf, at + 6, e.parent);
    } else {
      putU32LE(buf, at + 2, e.extent);
      putU16LE(buf, at + 6, e.parent);
    }
    buf.set(e.id, at + 8);
    at += pathEntryLength(e.id);
  }
}
