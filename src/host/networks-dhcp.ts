/**
 * Fixed guest addresses as DHCP reservations (`<host mac ip/>`) on a libvirt
 * network, keyed by the NIC's stable MAC so a recreated VM gets its address
 * back. Changed with `virsh net-update`, live and persistent at once.
 */
import { el, renderXml } from "../domain/xml";
import { RumError } from "../errors";
import { isActive, readNetwork } from "./networks-create";
import { broadcastOf, contains, formatIPv4, formatSubnet, parseIPv4 } from "./networks-ipv4";
import type { DhcpHost, NetworkInfo, NetworkIp } from "./networks-model";
import type { Virsh } from "./virsh";

export type ReservationChange = "added" | "modified" | "unchanged";

async function update(v: Virsh, net: NetworkIp, network: string, verb: string, host: DhcpHost) {
  const xml = renderXml(el("host", { mac: host.mac, name: host.name, ip: host.ip }));
  const live = (await isActive(v, network)) ? ["--live"] : [];
  await v.run([
    "net-update",
    network,
    verb,
    "ip-dhcp-host",
    xml,
    "--parent-index",
    String(net.index),
    "--config",
    ...live,
  ]);
}

/** The DHCP-serving IPv4 range that must hold `ip`, or a RumError saying why none does. */
function rangeFor(net: NetworkInfo, network: string, ip: string, address: number): NetworkIp {
  const dhcp = net.ipv4.filter((i) => i.dhcp);
  if (dhcp.length === 0) {
    throw new RumError(
      `libvirt network "${network}" has no IPv4 DHCP, so ${ip} cannot be reserved`,
      {
        hint: `add a <dhcp> range to its <ip> with \`virsh net-edit ${network}\`, or remove ip from this [[network.interfaces]] entry`,
      },
    );
  }
  const range = dhcp.find((i) => contains(i.subnet, address));
  const subnets = dhcp.map((i) => formatSubnet(i.subnet)).join(", ");
  if (!range) {
    throw new RumError(`${ip} is outside libvirt network "${network}" (${subnets})`, {
      hint: `pick an address in ${subnets} for this [[network.interfaces]] ip, or remove ip to let DHCP choose`,
    });
  }
  const reserved = [range.subnet.base, broadcastOf(range.subnet), range.address];
  if (reserved.includes(address)) {
    const first = formatIPv4(range.subnet.base + 2);
    throw new RumError(`${ip} is the network, broadcast or host address of "${network}"`, {
      hint: `pick another address in ${formatSubnet(range.subnet)} (e.g. ${first})`,
    });
  }
  return range;
}

/**
 * Reserve `ip` for `mac` on `network` (idempotent; moves an existing
 * reservation of the MAC). `hostname` also names the guest in the network's
 * DNS, unless another MAC already holds that name: libvirt refuses duplicates.
 */
export async function reserveAddress(
  v: Virsh,
  network: string,
  mac: string,
  ip: string,
  hostname?: string,
): Promise<ReservationChange> {
  const address = parseIPv4(ip);
  if (address === null) {
    throw new RumError(`"${ip}" is not an IPv4 address`, {
      hint: "write the fixed ip like 10.77.3.10",
    });
  }
  const net = await readNetwork(v, network);
  if (!net) {
    throw new RumError(`libvirt network "${network}" does not exist at ${v.uri}`, {
      hint: "rum up creates missing networks; check the network name in [[network.interfaces]]",
    });
  }
  const range = rangeFor(net, network, ip, address);
  const lowMac = mac.toLowerCase();
  const all = net.ipv4.flatMap((i) => i.hosts);
  const holder = all.find((h) => h.ip === ip && h.mac !== lowMac);
  if (holder) {
    throw new RumError(`${ip} is already reserved on "${network}" for MAC ${holder.mac ?? "?"}`, {
      hint: `pick another address for this NIC; if that reservation is stale, drop it with \`virsh net-update ${network} delete ip-dhcp-host "<host mac='${holder.mac ?? ""}'/>" --live --config\``,
    });
  }
  const nameTaken = all.some((h) => h.name === hostname && h.mac !== lowMac);
  const wanted: DhcpHost = {
    mac: lowMac,
    ip,
    ...(hostname && !nameTaken ? { name: hostname } : {}),
  };
  const current = range.hosts.find((h) => h.mac === lowMac);
  const elsewhere = net.ipv4.find((i) => i !== range && i.hosts.some((h) => h.mac === lowMac));
  if (elsewhere) await update(v, elsewhere, network, "delete", { mac: lowMac });
  if (!current) {
    await update(v, range, network, "add-last", wanted);
    return "added";
  }
  if (current.ip === wanted.ip && current.name === wanted.name) return "unchanged";
  await update(v, range, network, "modify", wanted);
  return "modified";
}

/** Drop the MAC's reservation; false when the network or the reservation is not there. */
export async function releaseAddress(v: Virsh, network: string, mac: string): Promise<boolean> {
  const net = await readNetwork(v, network);
  const lowMac = mac.toLowerCase();
  const range = net?.ipv4.find((i) => i.hosts.some((h) => h.mac === lowMac));
  if (!range) return false;
  await update(v, range, network, "delete", { mac: lowMac });
  return true;
}
