/**
 * A libvirt network definition as rum needs it: its IPv4 subnets and DHCP
 * reservations, its bridge, and rum's ownership mark in <metadata> (which
 * domains asked rum for the network). Also the XML of a network rum creates.
 */
import { el, renderXml, type XmlElement } from "../domain/xml";
import {
  broadcastOf,
  formatIPv4,
  maskOf,
  netmaskPrefix,
  parseIPv4,
  type Subnet,
  subnetOf,
} from "./networks-ipv4";
import { attr, child, children, localName, parseXml, text } from "./networks-xml";

/** rum's XML namespace for networks (domains use …/domain/1). */
export const RUM_NETWORK_XMLNS = "https://rum.dev/xmlns/network/1";

export interface DhcpHost {
  mac?: string;
  ip?: string;
  name?: string;
}

export interface NetworkIp {
  /** Position among all <ip> elements: `virsh net-update --parent-index`. */
  index: number;
  /** The host's address on the network (the guests' gateway). */
  address: number;
  subnet: Subnet;
  dhcp: boolean;
  hosts: DhcpHost[];
}

export interface NetworkInfo {
  name: string;
  bridge?: string;
  /** IPv4 only: rum's addresses and reservations are IPv4. */
  ipv4: NetworkIp[];
  /** Domains in rum's mark, or null when rum did not create the network. */
  owners: string[] | null;
  tree: XmlElement;
}

function isRumMark(node: XmlElement): boolean {
  const prefix = node.name.includes(":") ? node.name.slice(0, node.name.indexOf(":")) : "";
  const xmlns = prefix ? `xmlns:${prefix}` : "xmlns";
  return localName(node) === "network" && attr(node, xmlns) === RUM_NETWORK_XMLNS;
}

function readIp(node: XmlElement, index: number): NetworkIp | null {
  const address = parseIPv4(attr(node, "address") ?? "");
  const family = attr(node, "family") ?? "ipv4";
  const mask = attr(node, "netmask");
  const prefix = mask ? netmaskPrefix(mask) : Number(attr(node, "prefix") ?? 24);
  if (family !== "ipv4" || address === null || prefix === null || !(prefix >= 0 && prefix <= 32)) {
    return null;
  }
  const dhcp = child(node, "dhcp");
  const hosts = dhcp
    ? children(dhcp, "host").map((h) => ({
        ...(attr(h, "mac") ? { mac: (attr(h, "mac") as string).toLowerCase() } : {}),
        ...(attr(h, "ip") ? { ip: attr(h, "ip") } : {}),
        ...(attr(h, "name") ? { name: attr(h, "name") } : {}),
      }))
    : [];
  return { index, address, subnet: subnetOf(address, prefix), dhcp: dhcp !== undefined, hosts };
}

/** Reads `virsh net-dumpxml` output; null when it is not a network definition. */
export function parseNetwork(xml: string): NetworkInfo | null {
  const tree = parseXml(xml);
  if (tree?.name !== "network") return null;
  const metadata = child(tree, "metadata");
  const mark = metadata ? children(metadata).find(isRumMark) : undefined;
  const bridgeNode = child(tree, "bridge");
  const bridge = bridgeNode ? attr(bridgeNode, "name") : undefined;
  return {
    name: text(child(tree, "name")) ?? "",
    ...(bridge ? { bridge } : {}),
    ipv4: children(tree, "ip").flatMap((ip, i) => readIp(ip, i) ?? []),
    owners: mark
      ? children(mark)
          .filter((o) => localName(o) === "owner")
          .flatMap((o) => attr(o, "domain") ?? [])
      : null,
    tree,
  };
}

function ownerMark(owners: readonly string[]): XmlElement {
  return el("rum:network", { "xmlns:rum": RUM_NETWORK_XMLNS }, [
    ...owners.map((domain) => el("rum:owner", { domain })),
  ]);
}

/** The same definition with rum's mark listing `owners` (other metadata kept). */
export function withOwners(net: NetworkInfo, owners: readonly string[]): string {
  const metadata = child(net.tree, "metadata");
  const others = metadata
    ? metadata.children.filter((c) => typeof c === "string" || !isRumMark(c))
    : [];
  const newMetadata = el("metadata", {}, [...others, ownerMark(owners)]);
  const rest = net.tree.children.filter((c) => c !== metadata);
  // <metadata> goes right after <name>/<uuid>, where libvirt prints it.
  const at = rest.findIndex((c) => typeof c !== "string" && !["name", "uuid"].includes(c.name));
  const ordered =
    at < 0 ? [...rest, newMetadata] : [...rest.slice(0, at), newMetadata, ...rest.slice(at)];
  return renderXml({ ...net.tree, children: ordered });
}

/**
 * An isolated host-only network (no <forward>): guests reach each other and
 * the host, nothing else. Gateway .1, DHCP from .100 so .2–.99 are free for
 * fixed addresses the user picks.
 */
export function newNetworkXml(name: string, bridge: string, subnet: Subnet, owner: string): string {
  const at = (n: number) => formatIPv4(subnet.base + n);
  return renderXml(
    el("network", {}, [
      el("name", {}, name),
      el("metadata", {}, ownerMark([owner])),
      el("bridge", { name: bridge, stp: "on", delay: "0" }),
      el("ip", { address: at(1), netmask: formatIPv4(maskOf(subnet.prefix)) }, [
        el("dhcp", {}, el("range", { start: at(100), end: formatIPv4(broadcastOf(subnet) - 1) })),
      ]),
    ]),
  );
}
