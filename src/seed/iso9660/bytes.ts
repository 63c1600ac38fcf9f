/**
 * Byte-level encoders and decoders shared by the ISO 9660 writer and reader.
 * ECMA-119 stores most numbers "both-endian" (little-endian copy followed by a
 * big-endian copy) so that readers of either byte order can use them directly.
 */

export const SECTOR = 2048;

export function putU16LE(buf: Uint8Array, at: number, v: number): void {
  buf[at] = v & 0xff;
  buf[at + 1] = (v >>> 8) & 0xff;
}

export function putU16BE(buf: Uint8Array, at: number, v: number): void {
  buf[at] = (v >>> 8) & 0xff;
  buf[at + 1] = v & 0xff;
}

export function putU32LE(buf: Uint8Array, at: number, v: number): void {
  buf[at] = v & 0xff;
  buf[at + 1] = (v >>> 8) & 0xff;
  buf[at + 2] = (v >>> 16) & 0xff;
  buf[at + 3] = (v >>> 24) & 0xff;
}

export function putU32BE(buf: Uint8Array, at: number, v: number): void {
  buf[at] = (v >>> 24) & 0xff;
  buf[at + 1] = (v >>> 16) & 0xff;
  buf[at + 2] = (v >>> 8) & 0xff;
  buf[at + 3] = v & 0xff;
}

/** ECMA-119 7.2.3: 16-bit value, LE then BE (4 bytes). */
export function putU16Both(buf: Uint8Array, at: number, v: number): void {
  putU16LE(buf, at, v);
  putU16BE(buf, at + 2, v);
}

/** ECMA-119 7.3.3: 32-bit value, LE then BE (8 bytes). */
export function putU32Both(buf: Uint8Array, at: number, v: number): void {
  putU32LE(buf, at, v);
  putU32BE(buf, at + 4, v);
}

export function getU16LE(buf: Uint8Array, at: number): number {
  return (buf[at] ?? 0) | ((buf[at + 1] ?? 0) << 8);
}

export function getU32LE(buf: Uint8Array, at: number): number {
  return (
    ((buf[at] ?? 0) | ((buf[at + 1] ?? 0) << 8) | ((buf[at + 2] ?? 0) << 16)) +
    (buf[at + 3] ?? 0) * 0x1000000
  );
}

export function getU32BE(buf: Uint8Array, at: number): number {
  return (
    (buf[at] ?? 0) * 0x1000000 +
    (((buf[at + 1] ?? 0) << 16) | ((buf[at + 2] ?? 0) << 8) | (buf[at + 3] ?? 0))
  );
}

/** Writes ASCII text into a fixed-width field padded with spaces (a- and d-character fields). */
export function putPadded(buf: Uint8Array, at: number, width: number, text: string): void {
  for (let i = 0; i < width; i++) {
    buf[at + i] = i < text.length ? text.charCodeAt(i) & 0x7f : 0x20;
  }
}

/** Writes UCS-2 big-endian text into a fixed-width field padded with U+0020 (Joliet). */
export function putPaddedUcs2(buf: Uint8Array, at: number, width: number, text: string): void {
  for (let i = 0; i + 1 < width; i += 2) {
    putU16BE(buf, at + i, i / 2 < text.length ? text.charCodeAt(i / 2) : 0x20);
  }
}

export function encodeUcs2(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) putU16BE(out, i * 2, text.charCodeAt(i));
  return out;
}

export function decodeUcs2(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    s += String.fromCharCode(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  }
  return s;
}

export function decodeAscii(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

/** ECMA-119 9.1.5: 7-byte recording date (years since 1900 … seconds, GMT offset); always UTC. */
export function putDate7(buf: Uint8Array, at: number, d: Date): void {
  buf[at] = Math.min(255, Math.max(0, d.getUTCFullYear() - 1900));
  buf[at + 1] = d.getUTCMonth() + 1;
  buf[at + 2] = d.getUTCDate();
  buf[at + 3] = d.getUTCHours();
  buf[at + 4] = d.getUTCMinutes();
  buf[at + 5] = d.getUTCSeconds();
  buf[at + 6] = 0;
}

/** ECMA-119 8.4.26.1: 17-byte volume date "YYYYMMDDHHMMSScc" + GMT offset; `null` = not specified. */
export function putDate17(buf: Uint8Array, at: number, d: Date | null): void {
  const text =
    d === null
      ? "0000000000000000"
      : [
          String(d.getUTCFullYear()).padStart(4, "0"),
          ...[d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes()].map((n) =>
            String(n).padStart(2, "0"),
          ),
          String(d.getUTCSeconds()).padStart(2, "0"),
          String(Math.floor(d.getUTCMilliseconds() / 10)).padStart(2, "0"),
        ].join("");
  putPadded(buf, at, 16, text);
  buf[at + 16] = 0;
}

export function roundUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}
