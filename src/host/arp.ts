/**
 * A bridged NIC's address comes from the host's ARP table. On a local libvirt
 * rum reads that table itself (/proc/net/arp): libvirt 9.0's reader behind
 * `virsh domifaddr --source arp` failed with "internal error: wrong nlmsg
 * len" on the test host once the table held ~20 entries, and rum then waited
 * out `ip_wait_timeout_s` for a guest whose entry was there. For a remote
 * libvirt the table is on the other host, so virsh's answer is all there is.
 */
import { readFileSync } from "node:fs";
import { isRemoteUri } from "./uri";

export interface ArpEntry {
  mac: string;
  ip: string;
}

/** ATF_COM: the entry holds a hardware address (incomplete ones show 00:00:…). */
const COMPLETE = 0x2;

/** `/proc/net/arp` rows ("IP  HW-type  Flags  HW-address  Mask  Device") that hold a MAC. */
export function parseProcArp(table: string): ArpEntry[] {
  return table
    .split("\n")
    .slice(1)
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 6 && (Number.parseInt(f[2] ?? "", 16) & COMPLETE) !== 0)
    .map((f) => ({ mac: (f[3] ?? "").toLowerCase(), ip: f[0] ?? "" }));
}

/** Whether rum reads the ARP table itself for this libvirt URI (it runs on this host). */
export function readsHostArp(uri: string): boolean {
  return !isRemoteUri(uri);
}

/** This host's ARP table; empty when it cannot be read (no /proc). */
export function hostArpTable(path = "/proc/net/arp"): ArpEntry[] {
  try {
    return parseProcArp(readFileSync(path, "utf8"));
  } catch {
    return [];
  }
}
