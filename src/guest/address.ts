/**
 * Finding the guest's IPv4 address: libvirt's DHCP lease for the NIC's MAC on
 * a libvirt network, else the host's ARP table (bridged NICs).
 */
import type { Virsh } from "../host/virsh";

export interface NicRef {
  mac: string;
  /** libvirt network name, or undefined for a bridge. */
  network?: string;
}

export async function nicAddress(v: Virsh, domain: string, nic: NicRef): Promise<string | null> {
  const leases = nic.network ? await v.dhcpLeases(nic.network, nic.mac) : [];
  if (leases[0]) return leases[0];
  return pickAddress(nic, leases, await v.arpAddresses(domain));
}

/** The newest lease of the NIC's MAC, else its entry in the ARP table. */
export function pickAddress(
  nic: NicRef,
  leases: readonly string[],
  arp: readonly { mac: string; ip: string }[],
): string | null {
  if (nic.network && leases[0]) return leases[0];
  return arp.find((a) => a.mac.toLowerCase() === nic.mac.toLowerCase())?.ip ?? null;
}

/** Whether something accepts TCP connections on host:port right now. */
export async function tcpOpen(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (ok: boolean, sock?: { end(): void }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock?.end();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    Bun.connect({
      hostname: host,
      port,
      socket: {
        open: (s) => done(true, s),
        error: () => done(false),
        connectError: () => done(false),
        data: () => undefined,
      },
    }).catch(() => done(false));
  });
}
