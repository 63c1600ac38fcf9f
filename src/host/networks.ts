/**
 * Extra libvirt networks for `[[network.interfaces]] network = "…"`. A missing
 * network is created as an isolated host-only network on a free /24 and marked
 * as rum's, with the domains that asked for it; `rum destroy` removes it once
 * no domain uses it. Networks rum did not create are used, never changed.
 */
import { RumError } from "../errors";
import {
  createNetwork,
  defineNetwork,
  isActive,
  readNetwork,
  startNetwork,
} from "./networks-create";
import { formatSubnet } from "./networks-ipv4";
import { type NetworkInfo, withOwners } from "./networks-model";
import { domainsUsing } from "./networks-users";
import type { Virsh } from "./virsh";

export { type ReservationChange, releaseAddress, reserveAddress } from "./networks-dhcp";
export { checkBridge } from "./networks-host";

export interface EnsuredNetwork {
  /** This call defined the network. */
  created: boolean;
  /** rum created it (now or for another VM): record it in VmState.createdNetworks. */
  owned: boolean;
  /** First IPv4 subnet, e.g. "10.77.3.0/24"; null for a network without IPv4. */
  subnet: string | null;
  /** libvirt serves DHCP on it, so the guest's address shows up as a lease. */
  dhcp: boolean;
}

export interface EnsureOptions {
  /** Fixed addresses wanted on this network: a network rum creates is put on their /24. */
  addresses?: readonly string[];
}

function summary(net: NetworkInfo, created: boolean): EnsuredNetwork {
  const first = net.ipv4[0];
  return {
    created,
    owned: net.owners !== null,
    subnet: first ? formatSubnet(first.subnet) : null,
    dhcp: net.ipv4.some((i) => i.dhcp),
  };
}

/**
 * Make the network exist and run. An existing one is started if needed; if
 * rum made it, `owner` joins its owner list. A missing one is created.
 */
export async function ensureNetwork(
  v: Virsh,
  name: string,
  owner: { domain: string },
  opts: EnsureOptions = {},
): Promise<EnsuredNetwork> {
  let net = await readNetwork(v, name);
  let created = false;
  if (!net) {
    try {
      await createNetwork(v, name, owner.domain, opts.addresses ?? []);
      created = true;
    } catch (e) {
      // Another rum may have created it meanwhile: use theirs, else report ours.
      if (!(await readNetwork(v, name))) throw e;
    }
    net = await readNetwork(v, name);
  }
  if (!net) {
    throw new RumError(`libvirt network "${name}" vanished while rum was setting it up`, {
      hint: "another program is changing libvirt networks; run `rum up` again",
    });
  }
  if (net.owners && !net.owners.includes(owner.domain)) {
    await defineNetwork(v, withOwners(net, [...net.owners, owner.domain]));
  }
  if (!(await isActive(v, name))) await startNetwork(v, name);
  return summary(net, created);
}

export async function networkSubnet(v: Virsh, name: string): Promise<string | null> {
  const first = (await readNetwork(v, name))?.ipv4[0];
  return first ? formatSubnet(first.subnet) : null;
}

/**
 * After `owner.domain` is gone: remove a network rum created once no other
 * domain has a NIC on it (true when removed). Otherwise only drop the domain,
 * and owners that no longer exist, from rum's mark. A network without rum's
 * mark is never touched.
 */
export async function removeNetworkIfUnused(
  v: Virsh,
  name: string,
  owner: { domain: string },
): Promise<boolean> {
  const net = await readNetwork(v, name);
  if (!net?.owners) return false;
  const users = await domainsUsing(v, name, owner.domain);
  if (users.length === 0) {
    if (await isActive(v, name)) await v.lookup(["net-destroy", name]);
    await v.lookup(["net-undefine", name]);
    return true;
  }
  const defined = new Set(await v.listDomains());
  const owners = net.owners.filter((d) => d !== owner.domain && defined.has(d));
  if (owners.length !== net.owners.length) await defineNetwork(v, withOwners(net, owners));
  return false;
}
