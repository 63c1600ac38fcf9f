/**
 * The VM's extra NICs on the host side: named libvirt networks (created
 * host-only when missing), DHCP reservations for fixed addresses, bridges —
 * and their removal by `destroy` when rum made them and nothing else uses them.
 */

import { ensureDefaultNetwork } from "../host/network";
import {
  checkBridge,
  ensureNetwork,
  releaseAddress,
  removeNetworkIfUnused,
  reserveAddress,
} from "../host/networks";
import { log } from "../log";
import { readState, updateState } from "../state/vm-state";
import type { Vm } from "./context";

/** Whether a NIC is on libvirt's "default" network (rum up then makes sure it runs). */
export function usesDefaultNetwork(vm: Vm): boolean {
  return vm.nics.some((n) => "network" in n.source && n.source.network === "default");
}

/** `known`: `net-info` answers already asked (host-survey.ts), by network name. */
export async function prepareNics(
  vm: Vm,
  known: ReadonlyMap<string, string | null> = new Map(),
): Promise<void> {
  const created = new Set((await readState(vm.stateDir)).createdNetworks ?? []);
  for (const nic of vm.nics) {
    if ("bridge" in nic.source) {
      await checkBridge(vm.virsh, nic.source.bridge);
      continue;
    }
    const net = nic.source.network;
    if (net === "default") {
      await ensureDefaultNetwork(vm.virsh, known.get("default"));
      continue;
    }
    const addresses = vm.nics.flatMap((n) =>
      "network" in n.source && n.source.network === net && n.ip ? [n.ip] : [],
    );
    const r = await ensureNetwork(vm.virsh, net, { domain: vm.domain }, { addresses });
    if (r.owned) created.add(net);
    if (!r.dhcp) log.warn(`network ${net} has no DHCP: rum cannot learn this NIC's address`);
    if (nic.ip)
      await reserveAddress(vm.virsh, net, nic.mac, nic.ip, vm.loaded.config.network.hostname);
  }
  if (created.size > 0) await updateState(vm.stateDir, { createdNetworks: [...created] });
}

/** After the domain is undefined: free its reservations, drop networks only it used. */
export async function releaseNics(vm: Vm): Promise<void> {
  for (const nic of vm.nics) {
    if ("network" in nic.source && nic.ip)
      await releaseAddress(vm.virsh, nic.source.network, nic.mac).catch(() => false);
  }
  for (const net of (await readState(vm.stateDir)).createdNetworks ?? []) {
    await removeNetworkIfUnused(vm.virsh, net, { domain: vm.domain });
  }
}
