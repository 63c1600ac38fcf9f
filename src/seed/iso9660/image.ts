/**
 * Bounds-checked access to an ISO image for the reader: every slice either
 * lies inside the image or raises IsoFormatError, so a damaged image can
 * never surface as an index error or a silently short read.
 */

import { RumError } from "../../errors";
import { getU16LE, getU32LE } from "./bytes";

/**
 * What the ISO reader throws for anything that is not a well-formed image, so
 * callers (e.g. `rum dump-iso`) can show one clear message instead of an
 * index error from deep inside the parser.
 */
export class IsoFormatError extends RumError {
  constructor(message: string) {
    super(`not a valid ISO 9660 image: ${message}`, {
      hint: "check that the file is a complete, undamaged ISO 9660 image",
    });
    this.name = "IsoFormatError";
  }
}

export class IsoImage {
  constructor(
    readonly bytes: Uint8Array,
    readonly blockSize: number,
  ) {}

  /** `length` bytes starting `offset` bytes into logical block `block`. */
  slice(block: number, offset: number, length: number, what: string): Uint8Array {
    const start = block * this.blockSize + offset;
    if (start + length > this.bytes.length || length < 0) {
      throw new IsoFormatError(
        `${what} (${length} bytes at byte ${start}) lies beyond the end of the ${this.bytes.length}-byte image`,
      );
    }
    return this.bytes.subarray(start, start + length);
  }
}

export const FLAG_DIRECTORY = 0x02;
export const FLAG_MULTI_EXTENT = 0x80;

export interface ParsedRecord {
  extent: number;
  size: number;
  flags: number;
  id: Uint8Array;
  systemUse: Uint8Array;
}

/** Parses the directory record at the start of `bytes` (ECMA-119 9.1). */
export function parseRecord(bytes: Uint8Array, what: string): ParsedRecord {
  const len = bytes[0] ?? 0;
  const idLen = bytes[32] ?? 0;
  if (len < 34 || len > bytes.length || 33 + idLen > len) {
    throw new IsoFormatError(`${what}: malformed directory record (length ${len}, name ${idLen})`);
  }
  const suStart = 33 + idLen + (idLen % 2 === 0 ? 1 : 0);
  return {
    // Extended attribute records, rare as they are, precede the data in the extent.
    extent: getU32LE(bytes, 2) + (bytes[1] ?? 0),
    size: getU32LE(bytes, 10),
    flags: bytes[25] ?? 0,
    id: bytes.subarray(33, 33 + idLen),
    systemUse: bytes.subarray(Math.min(suStart, len), len),
  };
}

/** The records of a directory extent, `.` and `..` included, in disc order. */
export function readDirectory(image: IsoImage, extent: number, size: number, path: string) {
  const data = image.slice(extent, 0, size, `directory "${path || "/"}"`);
  const records: ParsedRecord[] = [];
  let at = 0;
  while (at < data.length) {
    const len = data[at] ?? 0;
    if (len === 0) {
      // Zero padding up to the next sector: records never cross one.
      at = (Math.floor(at / 2048) + 1) * 2048;
      continue;
    }
    records.push(parseRecord(data.subarray(at, at + len), `directory "${path || "/"}"`));
    at += len;
  }
  return records;
}

export function readBlockSize(pvd: Uint8Array): number {
  const size = getU16LE(pvd, 128);
  if (size !== 512 && size !== 1024 && size !== 2048) {
    throw new IsoFormatError(`unsupported logical block size ${size}`);
  }
  return size;
}
