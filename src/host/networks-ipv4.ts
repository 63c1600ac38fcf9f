/**
 * IPv4 subnets as numbers, and the choice of a free /24 for a network rum
 * creates. Addresses are unsigned 32-bit integers (`>>> 0` keeps them so).
 */
import { createHash } from "node:crypto";

export interface Subnet {
  /** Network address (host bits zero). */
  base: number;
  prefix: number;
}

export function parseIPv4(s: string): number | null {
  const parts = s.split(".");
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return null;
    n = n * 256 + Number(p);
  }
  return n;
}

export function formatIPv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join(".");
}

export function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

export function subnetOf(address: number, prefix: number): Subnet {
  return { base: (address & maskOf(prefix)) >>> 0, prefix };
}

/** `a.b.c.d/nn` (host bits may be set, as in `ip addr` output) or a bare address (/32). */
export function parseCidr(s: string): Subnet | null {
  const [addr, len, ...rest] = s.split("/");
  const address = parseIPv4(addr ?? "");
  const prefix = len === undefined ? 32 : /^\d{1,2}$/.test(len) ? Number(len) : -1;
  if (address === null || rest.length > 0 || prefix < 0 || prefix > 32) return null;
  return subnetOf(address, prefix);
}

/** `255.255.255.0` → 24; null for a mask with holes. */
export function netmaskPrefix(mask: string): number | null {
  const n = parseIPv4(mask);
  if (n === null) return null;
  for (let prefix = 0; prefix <= 32; prefix++) if (maskOf(prefix) === n) return prefix;
  return null;
}

export function formatSubnet(s: Subnet): string {
  return `${formatIPv4(s.base)}/${s.prefix}`;
}

export function contains(s: Subnet, address: number): boolean {
  return (address & maskOf(s.prefix)) >>> 0 === s.base;
}

export function overlaps(a: Subnet, b: Subnet): boolean {
  const prefix = Math.min(a.prefix, b.prefix);
  return subnetOf(a.base, prefix).base === subnetOf(b.base, prefix).base;
}

export function broadcastOf(s: Subnet): number {
  return (s.base | ~maskOf(s.prefix)) >>> 0;
}

/** The ranges rum draws /24s from: private space rarely used by home or office LANs first. */
const POOLS: readonly Subnet[] = [
  { base: parseIPv4("10.77.0.0") as number, prefix: 16 },
  { base: parseIPv4("192.168.0.0") as number, prefix: 16 },
];

/**
 * A /24 overlapping none of `used`. The search starts at a slot derived from
 * the network's name, so a network that is removed and created again tends to
 * get the same subnet back (and its users' addresses stay familiar).
 */
export function pickFreeSubnet(name: string, used: readonly Subnet[]): Subnet | null {
  const start = createHash("sha256").update(name).digest()[0] ?? 0;
  for (const pool of POOLS) {
    for (let i = 0; i < 256; i++) {
      const candidate = { base: (pool.base + ((start + i) % 256) * 256) >>> 0, prefix: 24 };
      if (!used.some((u) => overlaps(u, candidate))) return candidate;
    }
  }
  return null;
}
