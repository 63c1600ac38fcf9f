/**
 * rum's ISO 9660 reader, for `rum dump-iso` and tests. Tolerant of images
 * from other mastering tools (genisoimage, xorriso); names come from Rock
 * Ridge when present, else Joliet, else the ISO names. Anything malformed
 * raises IsoFormatError.
 */
import { decodeAscii, decodeUcs2, getU32LE, SECTOR } from "./bytes";
import {
  FLAG_DIRECTORY,
  FLAG_MULTI_EXTENT,
  IsoFormatError,
  IsoImage,
  type ParsedRecord,
  parseRecord,
  readBlockSize,
  readDirectory,
} from "./image";
import { readRockRidge, suspSkip } from "./susp-reader";
import {
  JOLIET_ESCAPES,
  STANDARD_ID,
  TYPE_PRIMARY,
  TYPE_SUPPLEMENTARY,
  TYPE_TERMINATOR,
} from "./volume";

export { IsoFormatError } from "./image";

export type IsoNames = "rockridge" | "joliet" | "iso9660";

export interface IsoContents {
  volumeId: string;
  /** Path → data; the arrays are views into the image passed in (no copies). */
  files: Map<string, Uint8Array>;
  /** Which directory hierarchy the names were taken from. */
  names: IsoNames;
}

const FIRST_DESCRIPTOR = 16;
const MAX_DESCRIPTORS = 64;
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;

interface Descriptors {
  primary: Uint8Array;
  joliet: Uint8Array | null;
}

function readDescriptors(bytes: Uint8Array): Descriptors {
  let primary: Uint8Array | null = null;
  let joliet: Uint8Array | null = null;
  for (let i = 0; i < MAX_DESCRIPTORS; i++) {
    const at = (FIRST_DESCRIPTOR + i) * SECTOR;
    if (at + SECTOR > bytes.length) {
      throw new IsoFormatError(
        i === 0
          ? `${bytes.length} bytes is too short to hold a volume descriptor at sector 16`
          : "image ends inside the volume descriptor set",
      );
    }
    const d = bytes.subarray(at, at + SECTOR);
    if (decodeAscii(d.subarray(1, 6)) !== STANDARD_ID) {
      throw new IsoFormatError(`no "CD001" volume descriptor at sector ${FIRST_DESCRIPTOR + i}`);
    }
    const type = d[0];
    if (type === TYPE_TERMINATOR) {
      if (!primary) throw new IsoFormatError("no primary volume descriptor");
      return { primary, joliet };
    }
    if (type === TYPE_PRIMARY && !primary) primary = d;
    const escapes = decodeAscii(d.subarray(88, 91));
    if (type === TYPE_SUPPLEMENTARY && !joliet && JOLIET_ESCAPES.includes(escapes)) joliet = d;
  }
  throw new IsoFormatError(`no volume descriptor set terminator in ${MAX_DESCRIPTORS} sectors`);
}

type Namer = (r: ParsedRecord) => { name: string; skip: boolean; dirExtent: number | null };

export function readIso(bytes: Uint8Array): IsoContents {
  const { primary, joliet } = readDescriptors(bytes);
  const image = new IsoImage(bytes, readBlockSize(primary));
  const claimed = getU32LE(primary, 80) * image.blockSize;
  if (claimed > bytes.length) {
    throw new IsoFormatError(`image is truncated: ${bytes.length} of ${claimed} bytes present`);
  }
  const volumeId = decodeAscii(primary.subarray(40, 72)).trimEnd();
  const root = parseRecord(primary.subarray(156, 190), "root directory record");
  const rootRecords = readDirectory(image, root.extent, root.size, "");
  const skip = suspSkip(rootRecords[0]?.systemUse ?? new Uint8Array(0));

  let names: IsoNames = "iso9660";
  let start = root;
  let namer: Namer = (r) => ({ name: isoName(r.id), skip: false, dirExtent: null });
  if (skip !== null) {
    names = "rockridge";
    namer = (r) => {
      const rr = readRockRidge(image, r.systemUse, skip);
      const mode = rr.mode ?? (r.flags & FLAG_DIRECTORY ? S_IFDIR : S_IFREG);
      const type = rr.childLink !== null ? S_IFDIR : mode & S_IFMT;
      return {
        name: rr.name ?? isoName(r.id),
        // Moved directories are listed at their CL link; symlinks, devices and fifos hold no data.
        skip: rr.relocated || (type !== S_IFREG && type !== S_IFDIR),
        dirExtent: rr.childLink,
      };
    };
  } else if (joliet) {
    names = "joliet";
    start = parseRecord(joliet.subarray(156, 190), "Joliet root directory record");
    namer = (r) => ({ name: stripVersion(decodeUcs2(r.id)), skip: false, dirExtent: null });
  }
  const files = new Map<string, Uint8Array>();
  walk(image, start, "", namer, files, new Set());
  return { volumeId, files, names };
}

function walk(
  image: IsoImage,
  dir: ParsedRecord,
  path: string,
  namer: Namer,
  files: Map<string, Uint8Array>,
  seen: Set<number>,
): void {
  if (seen.has(dir.extent)) throw new IsoFormatError(`directory loop at "${path}"`);
  seen.add(dir.extent);
  const records = readDirectory(image, dir.extent, dir.size, path).filter(
    (r) => !isSelfOrParent(r),
  );
  let parts: ParsedRecord[] = [];
  for (const r of records) {
    // Files over 4 GiB are split into several records with the multi-extent flag.
    parts.push(r);
    if (r.flags & FLAG_MULTI_EXTENT) continue;
    const { name, skip, dirExtent } = namer(r);
    const chunks = parts;
    parts = [];
    if (skip) continue;
    if (name === "" || name === "." || name === ".." || /[/\0]/.test(name)) {
      throw new IsoFormatError(`unsafe file name ${JSON.stringify(name)} in "${path || "/"}"`);
    }
    const full = path === "" ? name : `${path}/${name}`;
    if (dirExtent !== null) {
      const self = readDirectory(image, dirExtent, image.blockSize, full)[0];
      if (!self) throw new IsoFormatError(`relocated directory "${full}" is empty`);
      walk(image, self, full, namer, files, seen);
    } else if (r.flags & FLAG_DIRECTORY) {
      walk(image, r, full, namer, files, seen);
    } else {
      files.set(full, fileData(image, chunks, full));
    }
  }
}

function fileData(image: IsoImage, chunks: ParsedRecord[], path: string): Uint8Array {
  const views = chunks.map((c) => image.slice(c.extent, 0, c.size, `data of "${path}"`));
  if (views.length === 1 && views[0]) return views[0];
  const out = new Uint8Array(views.reduce((n, v) => n + v.length, 0));
  let at = 0;
  for (const v of views) {
    out.set(v, at);
    at += v.length;
  }
  return out;
}

/** `.` and `..` are recorded as the single bytes 0x00 and 0x01. */
function isSelfOrParent(r: ParsedRecord): boolean {
  return r.id.length === 1 && (r.id[0] === 0 || r.id[0] === 1);
}

function stripVersion(name: string): string {
  const semi = name.lastIndexOf(";");
  return semi >= 0 && /^\d+$/.test(name.slice(semi + 1)) ? name.slice(0, semi) : name;
}

/** ISO names: drop `;1`, a trailing `.` of extension-less names, and the upper case. */
function isoName(id: Uint8Array): string {
  const bare = stripVersion(decodeAscii(id));
  return (bare.endsWith(".") ? bare.slice(0, -1) : bare).toLowerCase();
}
