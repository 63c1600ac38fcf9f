/**
 * network-config (version 2): DHCP on every NIC, matched by MAC so the
 * guest's interface names don't matter. Static addresses are DHCP
 * reservations on the host side, so the guest config is the same for them.
 */
import type { SeedInput } from "./input";
import { toYaml, type YamlMap } from "./yaml";

/** The key under `ethernets` for the n-th NIC (only a label: no set-name). */
export function nicId(index: number): string {
  return `nic${index}`;
}

/**
 * dhcp-identifier mac: netplan passes it on so the DHCP client id is the MAC,
 * not a DUID. Debian 12's cloud-init (22.4) drops it when it renders
 * networkd/ifupdown files, which is harmless: libvirt's dnsmasq matches its
 * host reservations by hardware address. Without set-name, cloud-init in the
 * guest resolves each entry to the interface that has the MAC; nothing is
 * renamed.
 */
export function networkConfig(input: SeedInput): string {
  const ethernets: Record<string, YamlMap> = {};
  input.nics.forEach((nic, i) => {
    ethernets[nicId(i)] = {
      match: { macaddress: nic.mac.toLowerCase() },
      dhcp4: true,
      "dhcp-identifier": "mac",
    };
  });
  return toYaml({ version: 2, ethernets });
}
