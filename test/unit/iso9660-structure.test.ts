/**
 * Checks the writer's output against ECMA-119 / SUSP / RRIP rules with a
 * small parser written here, independent of rum's own reader.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { writeIso } from "../../src/seed/iso9660/writer";

const text = new TextEncoder();
const S = 2048;
let iso: Uint8Array = new Uint8Array(0);
const view = () => new DataView(iso.buffer, iso.byteOffset, iso.byteLength);
const le32 = (at: number) => view().getUint32(at, true);
const be32 = (at: number) => view().getUint32(at, false);
const both32 = (at: number) => {
  expect(le32(at)).toBe(be32(at + 4));
  return le32(at);
};
const ascii = (from: number, to: number) => String.fromCharCode(...iso.subarray(from, to));

interface Rec {
  at: number;
  len: number;
  extent: number;
  size: number;
  isDir: boolean;
  id: string;
  su: Uint8Array;
}

function record(at: number): Rec {
  const len = iso[at] ?? 0;
  const idLen = iso[at + 32] ?? 0;
  expect(view().getUint16(at + 28, true)).toBe(view().getUint16(at + 30, false));
  return {
    at,
    len,
    extent: both32(at + 2),
    size: both32(at + 10),
    isDir: ((iso[at + 25] ?? 0) & 2) !== 0,
    id: ascii(at + 33, at + 33 + idLen),
    su: iso.subarray(at + 33 + idLen + (idLen % 2 === 0 ? 1 : 0), at + len),
  };
}

function directory(extent: number, size: number): Rec[] {
  const out: Rec[] = [];
  for (let off = 0; off < size; ) {
    const len = iso[extent * S + off] ?? 0;
    if (len === 0) {
      off = (Math.floor(off / S) + 1) * S;
      continue;
    }
    expect((off % S) + len).toBeLessThanOrEqual(S); // never crosses a sector
    expect(len % 2).toBe(0);
    out.push(record(extent * S + off));
    off += len;
  }
  return out;
}

function suspEntries(su: Uint8Array): Map<string, Uint8Array[]> {
  const found = new Map<string, Uint8Array[]>();
  let area: Uint8Array | null = su;
  while (area) {
    let next: Uint8Array | null = null;
    for (let at = 0; at + 4 <= area.length && (area[at + 2] ?? 0) >= 4; at += area[at + 2] ?? 0) {
      const e = area.subarray(at, at + (area[at + 2] ?? 0));
      const sig = String.fromCharCode(e[0] ?? 0, e[1] ?? 0);
      found.set(sig, [...(found.get(sig) ?? []), e]);
      if (sig === "CE") {
        const base = new DataView(e.buffer, e.byteOffset).getUint32(4, true) * S;
        const off = new DataView(e.buffer, e.byteOffset).getUint32(12, true);
        const len = new DataView(e.buffer, e.byteOffset).getUint32(20, true);
        expect(off + len).toBeLessThanOrEqual(S);
        next = iso.subarray(base + off, base + off + len);
      }
    }
    area = next;
  }
  return found;
}

const padCompare = (a: string, b: string) => {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a.charCodeAt(i) || 0x20) - (b.charCodeAt(i) || 0x20);
    if (d) return d;
  }
  return 0;
};
const split = (id: string) => id.replace(/;1$/, "").split(".");

beforeAll(() => {
  const files = [
    { path: "user-data", data: text.encode("#cloud-config\n") },
    { path: "meta-data", data: text.encode("instance-id: x\n") },
    { path: "network-config", data: text.encode("version: 2\n") },
    { path: "dir/sub/file.txt", data: text.encode("x") },
    { path: "empty", data: new Uint8Array(0) },
    { path: "big.bin", data: new Uint8Array(100_000).fill(7) },
    { path: `${"n".repeat(240)}.txt`, data: text.encode("long") },
  ];
  for (let i = 0; i < 200; i++)
    files.push({ path: `many/entry-${i}.txt`, data: text.encode(`${i}`) });
  iso = writeIso({ volumeId: "cidata", files, date: new Date("2024-01-01T00:00:00Z") });
});

describe("ECMA-119 structure of a written image", () => {
  test("volume descriptors", () => {
    expect(iso.subarray(0, 16 * S).every((b) => b === 0)).toBe(true);
    const pvd = 16 * S;
    expect([iso[pvd], ascii(pvd + 1, pvd + 6), iso[pvd + 6]]).toEqual([1, "CD001", 1]);
    expect(ascii(pvd + 40, pvd + 72)).toBe(`CIDATA${" ".repeat(26)}`);
    expect(both32(pvd + 80)).toBe(iso.length / S);
    expect(view().getUint16(pvd + 128, true)).toBe(S);
    expect(ascii(pvd + 813, pvd + 829)).toBe("2024010100000000");
    expect([iso[17 * S], ascii(17 * S + 88, 17 * S + 91)]).toEqual([2, "%/E"]);
    expect(iso[18 * S]).toBe(255);
  });

  test("directories, names, path tables and extents", () => {
    const pvd = 16 * S;
    const root = record(pvd + 156);
    const dirs: { rec: Rec; parentExtent: number }[] = [{ rec: root, parentExtent: root.extent }];
    const extents: [number, number][] = [];
    for (const { rec, parentExtent } of dirs) {
      const recs = directory(rec.extent, rec.size);
      expect(recs[0]?.id).toBe("\0");
      expect(recs[1]?.id).toBe("\u0001");
      expect(recs[0]?.extent).toBe(rec.extent);
      expect(recs[1]?.extent).toBe(parentExtent);
      const children = recs.slice(2);
      expect(new Set(children.map((c) => c.id)).size).toBe(children.length);
      for (let i = 1; i < children.length; i++) {
        const [an = "", ae = ""] = split(children[i - 1]?.id ?? "");
        const [bn = "", be = ""] = split(children[i]?.id ?? "");
        expect(padCompare(an, bn) || padCompare(ae, be)).toBeLessThan(0);
      }
      for (const c of children) {
        expect(c.id).toMatch(c.isDir ? /^[A-Z0-9_]{1,8}$/ : /^[A-Z0-9_]{1,8}\.[A-Z0-9_]{0,3};1$/);
        const rr = suspEntries(c.su);
        expect(rr.get("PX")?.[0]?.length).toBe(44);
        expect(rr.get("TF")?.length).toBe(1);
        expect(rr.get("NM")?.length).toBeGreaterThan(0);
        if (c.isDir) dirs.push({ rec: c, parentExtent: rec.extent });
        else if (c.size > 0) extents.push([c.extent * S, c.extent * S + c.size]);
      }
    }
    expect(dirs.find((d) => d.rec.id === "MANY")?.rec.size).toBeGreaterThan(S);

    extents.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < extents.length; i++) {
      expect(extents[i]?.[0] ?? 0).toBeGreaterThanOrEqual(extents[i - 1]?.[1] ?? 0);
    }
    expect(extents.at(-1)?.[1] ?? 0).toBeLessThanOrEqual(iso.length);

    const tableSize = both32(pvd + 132);
    const l = le32(pvd + 140) * S;
    const m = be32(pvd + 148) * S;
    const tableExtents: number[] = [];
    for (let at = 0; at < tableSize; ) {
      const idLen = iso[l + at] ?? 0;
      expect(iso[m + at]).toBe(idLen);
      expect(le32(l + at + 2)).toBe(be32(m + at + 2));
      expect(view().getUint16(l + at + 6, true)).toBe(view().getUint16(m + at + 6, false));
      tableExtents.push(le32(l + at + 2));
      at += 8 + idLen + (idLen % 2);
    }
    expect(tableExtents.sort()).toEqual(dirs.map((d) => d.rec.extent).sort());
  });

  test("Rock Ridge: SP first in the root, ER RRIP_1991A reachable", () => {
    const root = record(16 * S + 156);
    const dot = directory(root.extent, root.size)[0];
    const su = dot?.su ?? new Uint8Array(0);
    expect([String.fromCharCode(su[0] ?? 0, su[1] ?? 0), su[4], su[5]]).toEqual(["SP", 0xbe, 0xef]);
    const er = suspEntries(su).get("ER")?.[0];
    expect(er).toBeDefined();
    const idLen = er?.[4] ?? 0;
    expect(String.fromCharCode(...(er ?? new Uint8Array()).subarray(8, 8 + idLen))).toBe(
      "RRIP_1991A",
    );
  });
});
