/**
 * Everything a command asks libvirt about one VM, asked in one virsh process:
 * its domain and state, and on request its NICs' addresses and its volumes.
 * One connection instead of one per question is most of `rum status`'s time.
 */
import { type NicRef, pickAddress } from "../guest/address";
import { hostArpTable, readsHostArp } from "../host/arp";
import { capacity, POOL, parseVolumeList } from "../host/pool";
import { type BatchAnswer, newestFirst, parseArp } from "../host/virsh";
import type { Vm } from "./context";
import { domainQueries, type OwnedDomain, ownedFrom } from "./ownership";
import { ownVolumes } from "./storage";

export interface NicAddress extends NicRef {
  ip: string | null;
}

export interface Inspection {
  /** null: there is no such domain (and then nothing else was looked at). */
  domain: OwnedDomain | null;
  /** Each NIC's address in vm.nics order; all null unless the VM runs. */
  addresses: NicAddress[];
  volumes: string[];
  /** Capacity in bytes of each volume asked for (null: no such volume). */
  capacities: Record<string, number | null>;
}

export interface InspectWants {
  addresses?: boolean;
  volumes?: boolean;
  /** Volumes of the `rum` pool whose capacity to read. */
  capacities?: string[];
}

export function nicRefs(vm: Vm): NicRef[] {
  return vm.nics.map((n) => ({
    mac: n.mac,
    ...("network" in n.source ? { network: n.source.network } : {}),
  }));
}

export async function inspectVm(vm: Vm, wants: InspectWants = {}): Promise<Inspection> {
  const refs = nicRefs(vm);
  const leaseNics = wants.addresses ? refs.filter((r) => r.network) : [];
  // A local host's ARP table is read directly (host/arp.ts says why).
  const askArp = wants.addresses && !readsHostArp(vm.virsh.uri);
  // Asked even when the domain turns out absent or off: a second virsh
  // process would cost more than these answers from the open connection.
  const questions = [
    ...domainQueries(vm),
    ...leaseNics.map((r) => ["net-dhcp-leases", r.network as string, "--mac", r.mac]),
    ...(askArp ? [["domifaddr", vm.domain, "--source", "arp"]] : []),
    ...(wants.volumes ? [["vol-list", "--pool", POOL]] : []),
    ...(wants.capacities ?? []).map((v) => ["vol-info", "--pool", POOL, v, "--bytes"]),
  ];
  const answers = await vm.virsh.batch(questions);
  const domain = ownedFrom(vm, answers[0], answers[1]);
  const rest = answers.slice(2);
  const leaseAnswers = rest.splice(0, leaseNics.length);
  const arpAnswer = askArp ? rest.shift() : undefined;
  const volAnswer = wants.volumes ? rest.shift() : undefined;
  const capacities = Object.fromEntries(
    (wants.capacities ?? []).map((v, i) => [v, capacity(vm.virsh.found(rest[i] as BatchAnswer))]),
  );
  const noAddresses = refs.map((r) => ({ ...r, ip: null }));
  if (!domain) return { domain, addresses: noAddresses, volumes: [], capacities };
  // A failed side question (no pool yet, no ARP entry) is "nothing known", as before.
  const text = (a: BatchAnswer | undefined) => (a?.ok ? a.stdout : "");
  const arp = askArp ? parseArp(text(arpAnswer)) : wants.addresses ? hostArpTable() : [];
  const addresses =
    domain.state === "running" && wants.addresses
      ? refs.map((r) => {
          const leases = r.network ? newestFirst(text(leaseAnswers[leaseNics.indexOf(r)])) : [];
          return { ...r, ip: pickAddress(r, leases, arp) };
        })
      : noAddresses;
  const volumes = ownVolumes(vm, parseVolumeList(text(volAnswer)));
  return { domain, addresses, volumes, capacities };
}
