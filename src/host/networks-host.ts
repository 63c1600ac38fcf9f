/**
 * What the libvirt host's own network stack already uses (addresses, routes,
 * interface names) and whether a bridge exists. Only knowable when libvirt
 * runs on this machine: for a remote URI these answers are empty and libvirt's
 * own checks at `net-start` are the safety net.
 */
import { existsSync, readdirSync } from "node:fs";
import { RumError } from "../errors";
import { parseCidr, type Subnet } from "./networks-ipv4";
import { run } from "./proc";
import { isRemoteUri } from "./uri";
import type { Virsh } from "./virsh";

const SYS_NET = "/sys/class/net";
/** Linux's IFNAMSIZ minus the terminating NUL. */
export const MAX_IFNAME = 15;

/** Subnets from `ip -o -4 addr show` (the `inet a.b.c.d/nn` field). */

export function parseIpAddr(out: string): Subnet[] {
  return [...out.matchAll(/\binet\s+(\S+)/g)].flatMap((m) => {
    const s = parseCidr(m[1] ?? "");
    return s ? [s] : [];
  });
}

/**
 * Destinations from `ip -4 route show table all`. The destination is the first
 * field, or the second after a route type (`unreachable 10.0.0.0/8`). Default
 * routes and a VPN's catch-all halves (0.0.0.0/1) would forbid every subnet,
 * yet a more specific route to a new bridge still wins: they are ignored.
 */
export function parseIpRoute(out: string): Subnet[] {
  return out.split("\n").flatMap((line) => {
    const fields = line.trim().split(/\s+/);
    for (const f of fields.slice(0, 2)) {
      const s = parseCidr(f);
      if (s) return s.prefix >= 8 ? [s] : [];
    }
    return [];
  });
}

/** Subnets of this machine's interfaces and routes (none for a remote libvirt). */
export async function hostSubnets(v: Virsh): Promise<Subnet[]> {
  if (isRemoteUri(v.uri)) return [];
  const [addr, route] = await Promise.all([
    run(["ip", "-o", "-4", "addr", "show"], { allowFailure: true }).catch(() => null),
    run(["ip", "-4", "route", "show", "table", "all"], { allowFailure: true }).catch(() => null),
  ]);
  return [...parseIpAddr(addr?.stdout ?? ""), ...parseIpRoute(route?.stdout ?? "")];
}

/** Names of this machine's network interfaces (none for a remote libvirt). */
export function hostInterfaces(v: Virsh): string[] {
  if (isRemoteUri(v.uri) || !existsSync(SYS_NET)) return [];
  return readdirSync(SYS_NET);
}

/** A `bridge = "…"` NIC needs that bridge on the libvirt host; checked only when it is this one. */
export async function checkBridge(v: Virsh, name: string): Promise<void> {
  if (isRemoteUri(v.uri)) return;
  const create = `create it, e.g. \`sudo ip link add ${name} type bridge && sudo ip link set ${name} up\` (then add your uplink with \`sudo ip link set eth0 master ${name}\`), or attach the NIC to a libvirt network with \`network = "…"\` instead`;
  if (name.length > MAX_IFNAME || name.includes("/") || !existsSync(`${SYS_NET}/${name}`)) {
    throw new RumError(`host bridge "${name}" does not exist`, { hint: create });
  }
  if (!existsSync(`${SYS_NET}/${name}/bridge`)) {
    throw new RumError(`host interface "${name}" is not a bridge`, {
      hint: `name a bridge in [[network.interfaces]] bridge (list them with \`ip -o link show type bridge\`), or ${create}`,
    });
  }
}
