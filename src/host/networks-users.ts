/**
 * Which libvirt domains have a NIC on a network, read from their definitions
 * (live and persistent: a running domain may differ from its next boot).
 */
import type { XmlElement } from "../domain/xml";
import { attr, child, children, parseXml } from "./networks-xml";
import type { Virsh } from "./virsh";

/** Network names of a domain's `<interface type='network'>` NICs; null if unreadable. */
export function interfaceNetworks(domainXml: string): string[] | null {
  const tree = parseXml(domainXml);
  if (tree?.name !== "domain") return null;
  return children(child(tree, "devices") ?? tree, "interface")
    .filter((i) => attr(i, "type") === "network")
    .flatMap((i: XmlElement) => {
      const source = child(i, "source");
      return source ? (attr(source, "network") ?? []) : [];
    });
}

async function uses(v: Virsh, domain: string, network: string): Promise<boolean> {
  for (const inactive of [false, true]) {
    const xml = await v.dumpXml(domain, inactive);
    if (xml === null) return false;
    // A definition rum cannot read might use the network: count it as a user.
    const networks = interfaceNetworks(xml);
    if (networks === null || networks.includes(network)) return true;
  }
  return false;
}

/** Domains other than `except` with a NIC on `network`. */
export async function domainsUsing(v: Virsh, network: string, except: string): Promise<string[]> {
  const others = (await v.listDomains()).filter((d) => d !== except);
  const using = await Promise.all(others.map((d) => uses(v, d, network)));
  return others.filter((_, i) => using[i]);
}
