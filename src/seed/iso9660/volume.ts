/**
 * Volume descriptors (ECMA-119 8.4, 8.5, 8.3): the Primary Volume Descriptor,
 * the Joliet Supplementary Volume Descriptor and the Set Terminator.
 */
import {
  putDate17,
  putPadded,
  putPaddedUcs2,
  putU16Both,
  putU32BE,
  putU32Both,
  putU32LE,
  SECTOR,
} from "./bytes";
import { type DirRecord, putRecord } from "./directory";

export const TYPE_PRIMARY = 1;
export const TYPE_SUPPLEMENTARY = 2;
export const TYPE_TERMINATOR = 255;
export const STANDARD_ID = "CD001";
/** Joliet level 3 (UCS-2) escape sequence "%/E" in the SVD's escape-sequences field. */
export const JOLIET_ESCAPES = ["%/@", "%/C", "%/E"];
const APPLICATION_ID = "RUM";

export interface VolumeFields {
  volumeId: string;
  volumeBlocks: number;
  pathTableSize: number;
  lPathTable: number;
  mPathTable: number;
  root: DirRecord;
  date: Date;
}

function putHeader(buf: Uint8Array, at: number, type: number): void {
  buf[at] = type;
  putPadded(buf, at + 1, 5, STANDARD_ID);
  buf[at + 6] = 1;
}

/** Writes a PVD or, with `joliet`, a Joliet SVD at sector `sector`. */
export function putVolumeDescriptor(
  buf: Uint8Array,
  sector: number,
  f: VolumeFields,
  joliet: boolean,
): void {
  const at = sector * SECTOR;
  const text = joliet ? putPaddedUcs2 : putPadded;
  putHeader(buf, at, joliet ? TYPE_SUPPLEMENTARY : TYPE_PRIMARY);
  text(buf, at + 8, 32, ""); // system identifier
  text(buf, at + 40, 32, f.volumeId);
  putU32Both(buf, at + 80, f.volumeBlocks);
  if (joliet) putPadded(buf, at + 88, 3, "%/E");
  putU16Both(buf, at + 120, 1); // volume set size
  putU16Both(buf, at + 124, 1); // volume sequence number
  putU16Both(buf, at + 128, SECTOR);
  putU32Both(buf, at + 132, f.pathTableSize);
  putU32LE(buf, at + 140, f.lPathTable);
  putU32BE(buf, at + 148, f.mPathTable);
  putRecord(buf, at + 156, f.root);
  text(buf, at + 190, 128, ""); // volume set identifier
  text(buf, at + 318, 128, ""); // publisher
  text(buf, at + 446, 128, ""); // data preparer
  text(buf, at + 574, 128, APPLICATION_ID);
  text(buf, at + 702, 37, ""); // copyright file
  text(buf, at + 739, 37, ""); // abstract file
  text(buf, at + 776, 37, ""); // bibliographic file
  putDate17(buf, at + 813, f.date); // creation
  putDate17(buf, at + 830, f.date); // modification
  putDate17(buf, at + 847, null); // expiration
  putDate17(buf, at + 864, f.date); // effective
  buf[at + 881] = 1; // file structure version
}

export function putTerminator(buf: Uint8Array, sector: number): void {
  putHeader(buf, sector * SECTOR, TYPE_TERMINATOR);
}

/** Normalises a volume label to ECMA-119 d-characters, or returns null if it has others. */
export function normaliseVolumeId(volumeId: string): string | null {
  const upper = volumeId.toUpperCase();
  return /^[A-Z0-9_]{1,32}$/.test(upper) ? upper : null;
}
