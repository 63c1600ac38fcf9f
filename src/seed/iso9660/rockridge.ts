/**
 * Rock Ridge (RRIP) entries carried in the System Use area of directory
 * records via SUSP: POSIX mode/owner/serial (PX), the real name (NM) and
 * timestamps (TF). What does not fit in a record goes into a Continuation
 * Area (CE) in blocks reserved for it.
 */
import { putDate7, putU32Both, SECTOR } from "./bytes";

function entry(sig: string, body: number): Uint8Array {
  const e = new Uint8Array(4 + body);
  e[0] = sig.charCodeAt(0);
  e[1] = sig.charCodeAt(1);
  e[2] = 4 + body;
  e[3] = 1;
  return e;
}

/** SUSP "SP": marks the root `.` record as using SUSP, with no bytes skipped. */
export function spEntry(): Uint8Array {
  const e = entry("SP", 3);
  e[4] = 0xbe;
  e[5] = 0xef;
  return e;
}

const ER_ID = "RRIP_1991A";
const ER_DESCRIPTOR =
  "THE ROCK RIDGE INTERCHANGE PROTOCOL PROVIDES SUPPORT FOR POSIX FILE SYSTEM SEMANTICS";
const ER_SOURCE = "SEE THE RRIP SPECIFICATION; THIS IMAGE WAS WRITTEN BY RUM";

/** SUSP "ER": names the extension (Rock Ridge) used on this volume. */
export function erEntry(): Uint8Array {
  const texts = [ER_ID, ER_DESCRIPTOR, ER_SOURCE];
  const e = entry("ER", 4 + texts.reduce((n, t) => n + t.length, 0));
  e[4] = ER_ID.length;
  e[5] = ER_DESCRIPTOR.length;
  e[6] = ER_SOURCE.length;
  e[7] = 1;
  let at = 8;
  for (const t of texts) for (let i = 0; i < t.length; i++) e[at++] = t.charCodeAt(i);
  return e;
}

/** RRIP "PX" in its 44-byte form, which includes the file serial number (inode). */
export function pxEntry(mode: number, nlink: number, serial: number): Uint8Array {
  const e = entry("PX", 40);
  putU32Both(e, 4, mode);
  putU32Both(e, 12, nlink);
  putU32Both(e, 20, 0); // uid: root
  putU32Both(e, 28, 0); // gid: root
  putU32Both(e, 36, serial);
  return e;
}

/** RRIP "TF": modify, access and attribute-change times, all the same, short form. */
export function tfEntry(date: Date): Uint8Array {
  const e = entry("TF", 1 + 3 * 7);
  e[4] = 0x02 | 0x04 | 0x08;
  for (let i = 0; i < 3; i++) putDate7(e, 5 + i * 7, date);
  return e;
}

const NM_CONTINUE = 0x01;
const NM_MAX_CHUNK = 250;

/** RRIP "NM": the real UTF-8 name, split over several entries when long. */
export function nmEntries(name: string): Uint8Array[] {
  const bytes = new TextEncoder().encode(name);
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += NM_MAX_CHUNK) {
    const chunk = bytes.subarray(at, at + NM_MAX_CHUNK);
    const e = entry("NM", 1 + chunk.length);
    e[4] = at + NM_MAX_CHUNK < bytes.length ? NM_CONTINUE : 0;
    e.set(chunk, 5);
    out.push(e);
  }
  return out;
}

const CE_LENGTH = 28;

function ceEntry(block: number, offset: number, length: number): Uint8Array {
  const e = entry("CE", 24);
  putU32Both(e, 4, block);
  putU32Both(e, 12, offset);
  putU32Both(e, 20, length);
  return e;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Packs continuation areas into consecutive blocks starting at `base`, never
 * letting one area cross a block boundary.
 */
export class ContinuationBlocks {
  private readonly areas: { block: number; offset: number; bytes: Uint8Array }[] = [];
  private block = 0;
  private used = 0;

  constructor(private readonly base: number) {}

  /** Returns the System Use bytes for a record with `room` bytes free, spilling into a CE area. */
  systemUse(entries: readonly Uint8Array[], room: number): Uint8Array {
    const total = entries.reduce((n, e) => n + e.length, 0);
    if (total <= room) return padEven(concat(entries));
    let inlineBytes = 0;
    let split = 0;
    while (split < entries.length) {
      const len = entries[split]?.length ?? 0;
      if (inlineBytes + len + CE_LENGTH > room) break;
      inlineBytes += len;
      split++;
    }
    const rest = concat(entries.slice(split));
    if (this.used + rest.length > SECTOR) {
      this.block++;
      this.used = 0;
    }
    const area = { block: this.block, offset: this.used, bytes: rest };
    this.areas.push(area);
    this.used += rest.length;
    const ce = ceEntry(this.base + area.block, area.offset, rest.length);
    return padEven(concat([...entries.slice(0, split), ce]));
  }

  get blockCount(): number {
    return this.areas.length === 0 ? 0 : this.block + 1;
  }

  writeTo(image: Uint8Array): void {
    for (const a of this.areas) image.set(a.bytes, (this.base + a.block) * SECTOR + a.offset);
  }
}

/** Keeps directory records at an even length, as ECMA-119 readers expect. */
function padEven(su: Uint8Array): Uint8Array {
  if (su.length % 2 === 0) return su;
  const out = new Uint8Array(su.length + 1);
  out.set(su);
  return out;
}
