/**
 * When to ask libvirt for a guest's DHCP lease while waiting for one.
 *
 * Asking is a virsh process each time, and a guest's first boot takes half a
 * minute to its lease under software emulation: at rum's 250 ms pace that was
 * ~130 processes (and as many libvirtd replies) taking host CPU from the very
 * guest being waited for. On a local system libvirt, the lease files its
 * dnsmasq helper rewrites on every grant, renewal and release are readable by
 * everyone, so rum looks at their size and mtime (a stat, no process) and asks
 * virsh only when one changed, and at a slow pace anyway: a static address
 * (ARP) or a missed change is still found. virsh stays the one that answers.
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "pathe";
import { isRemoteUri } from "./uri";

/** Where libvirt's system instance keeps its networks' lease files (`<bridge>.status`). */
export const SYSTEM_LEASE_DIR = "/var/lib/libvirt/dnsmasq";
/** How long rum goes without asking when no lease file changed. */
export const UNCHANGED_ASK_MS = 2000;

/** The lease files' names, sizes and mtimes as one string; null when they can't be read. */
export function leaseFilesStamp(dir = SYSTEM_LEASE_DIR): string | null {
  try {
    return readdirSync(dir)
      .filter((name) => name.endsWith(".status"))
      .sort()
      .map((name) => {
        const s = statSync(join(dir, name));
        return `${name}:${s.size}:${s.mtimeMs}`;
      })
      .join("|");
  } catch {
    return null;
  }
}

/** Whether this URI's networks keep their leases in SYSTEM_LEASE_DIR on this host. */
export function usesSystemLeaseFiles(uri: string): boolean {
  return !isRemoteUri(uri) && /^[\w+-]+:\/\/\/system\b/.test(uri);
}

/**
 * A function that says whether to ask libvirt now: always when the URI's
 * lease files are not on this host or can't be read, else when they changed
 * since the last ask or `unchangedMs` went by. The stamp is taken before the
 * ask it allows, so a change during that ask is seen at the next call.
 */
export function leaseAskGate(
  uri: string,
  opts: { dir?: string; unchangedMs?: number; now?: () => number } = {},
): () => boolean {
  if (!usesSystemLeaseFiles(uri)) return () => true;
  const dir = opts.dir ?? SYSTEM_LEASE_DIR;
  const unchangedMs = opts.unchangedMs ?? UNCHANGED_ASK_MS;
  const now = opts.now ?? Date.now;
  let seen: string | null = null;
  let askedAt = Number.NEGATIVE_INFINITY;
  return () => {
    const stamp = leaseFilesStamp(dir);
    if (stamp === null) return true;
    if (stamp === seen && now() - askedAt < unchangedMs) return false;
    seen = stamp;
    askedAt = now();
    return true;
  };
}
