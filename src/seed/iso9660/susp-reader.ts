/**
 * Reads the Rock Ridge facts the ISO reader needs from a record's System Use
 * area (SUSP), following CE continuation areas: the real name (NM), the file
 * type (PX), and directory relocation (CL/RE) as used by mkisofs for deep trees.
 */
import { getU32LE } from "./bytes";
import type { IsoImage } from "./image";

export interface RockRidgeInfo {
  name: string | null;
  /** POSIX mode from PX, or null when the record has none. */
  mode: number | null;
  /** Block of a directory moved elsewhere by deep-tree relocation (CL). */
  childLink: number | null;
  /** Set on the moved directory's own record (RE): it is listed elsewhere. */
  relocated: boolean;
}

const MAX_CONTINUATIONS = 32;
const NM_CONTINUE = 0x01;
const NM_CURRENT_OR_PARENT = 0x06;

/** SUSP 5.3: the root `.` record of a SUSP volume starts with SP; returns its skip length. */
export function suspSkip(rootSystemUse: Uint8Array): number | null {
  const su = rootSystemUse;
  const isSp =
    su[0] === 0x53 && su[1] === 0x50 && (su[2] ?? 0) >= 7 && su[4] === 0xbe && su[5] === 0xef;
  return isSp ? (su[6] ?? 0) : null;
}

export function readRockRidge(image: IsoImage, systemUse: Uint8Array, skip: number): RockRidgeInfo {
  const info: RockRidgeInfo = { name: null, mode: null, childLink: null, relocated: false };
  const nameParts: Uint8Array[] = [];
  let area: Uint8Array | null = systemUse.subarray(Math.min(skip, systemUse.length));
  for (let hops = 0; area && hops <= MAX_CONTINUATIONS; hops++) {
    let next: Uint8Array | null = null;
    let at = 0;
    while (at + 4 <= area.length) {
      const sig = String.fromCharCode(area[at] ?? 0, area[at + 1] ?? 0);
      const len = area[at + 2] ?? 0;
      // A zero/short length or an overrun ends the area: tolerate writers' padding.
      if (len < 4 || at + len > area.length) break;
      const e = area.subarray(at, at + len);
      if (sig === "ST") break;
      if (sig === "CE" && len >= 28) {
        const block = getU32LE(e, 4);
        next = image.slice(block, getU32LE(e, 12), getU32LE(e, 20), "Rock Ridge continuation area");
      } else if (sig === "NM" && len >= 5) {
        const flags = e[4] ?? 0;
        if ((flags & NM_CURRENT_OR_PARENT) === 0) nameParts.push(e.subarray(5));
        if ((flags & NM_CONTINUE) === 0 && nameParts.length > 0) info.name = joinName(nameParts);
      } else if (sig === "PX" && len >= 36) {
        info.mode = getU32LE(e, 4);
      } else if (sig === "CL" && len >= 12) {
        info.childLink = getU32LE(e, 4);
      } else if (sig === "RE") {
        info.relocated = true;
      }
      at += len;
    }
    area = next;
  }
  if (info.name === null && nameParts.length > 0) info.name = joinName(nameParts);
  return info;
}

function joinName(parts: readonly Uint8Array[]): string {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  return new TextDecoder().decode(bytes);
}
