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
  if (nic.network) {
    const leases = await v.dhcpLeases(nic.network, nic.mac);
    if (leases[0]) return leases[0];
  }
  const arp = await v.arpAddresses(domain);
  return arp.find((a) => a.mac.toLowerCase() === nic.mac.toLowerCase())?.ip ?? null;
}

/** Every NIC's current address (null where none is known yet). */
export async function allAddresses(
  v: Virsh,
  domain: string,
  nics: NicRef[],
): Promise<{ mac: string; network?: string; ip: string | null }[]> {
  return Promise.all(nics.map(async (n) => ({ ...n, ip: await nicAddress(v, domain, n) })));
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
