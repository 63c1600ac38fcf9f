/**
 * Removing a VM's domain and volumes (for `destroy` and `up --reset`). Only
 * rum's own domain (checked by ownedDomain) and volumes named after it.
 */
import { stopForwards } from "../guest/forwards";
import { stopMaster } from "../guest/master";
import { controlPathFor } from "../guest/ssh-control-path";
import { deleteVolume, refreshPool } from "../host/pool";
import { updateState } from "../state/vm-state";
import { stopWatcher } from "../watch/lifecycle";
import type { Vm } from "./context";
import { forgetSpec } from "./define";
import { ownedDomain } from "./ownership";
import { vmVolumes } from "./storage";

/** Force the domain off and undefine it (with its UEFI variables). */
export async function removeDomain(vm: Vm): Promise<boolean> {
  const existing = await ownedDomain(vm);
  if (!existing) return false;
  if (existing.state !== "shut off") await vm.virsh.lookup(["destroy", vm.domain]);
  await vm.virsh
    .run(["undefine", "--nvram", vm.domain])
    .catch(() => vm.virsh.run(["undefine", vm.domain]));
  return true;
}

export async function removeVolumes(vm: Vm): Promise<string[]> {
  const pool = await vm.virsh.lookup(["pool-info", "rum"]);
  if (pool === null) return [];
  // `undefine --nvram` just deleted a UEFI variables file behind the pool's back.
  await refreshPool(vm.virsh);
  const volumes = await vmVolumes(vm);
  for (const v of volumes) await deleteVolume(vm.virsh, v);
  return volumes;
}

/** Stop the VM's port forwarder, its watcher and its shared SSH connection. */
export async function stopSsh(vm: Vm): Promise<void> {
  // The watcher first: it cancels its auto forwards on the master.
  await stopWatcher(vm.stateDir).catch(() => false);
  await stopForwards(vm.stateDir).catch(() => false);
  await stopMaster({
    host: "0.0.0.0",
    user: "x",
    keyPath: "/dev/null",
    knownHostsPath: "/dev/null",
    hostKeyAlias: vm.domain,
    controlPath: controlPathFor(vm.stateDir, vm.domain),
  }).catch(() => false);
}

/** `up --reset`: a fresh first boot; keys are kept, everything else goes. */
export async function resetVm(vm: Vm): Promise<void> {
  await stopSsh(vm);
  await removeDomain(vm);
  await removeVolumes(vm);
  await forgetSpec(vm);
  await updateState(vm.stateDir, {
    booted: false,
    firstBootDone: false,
    seedVolume: undefined,
    rootVolume: undefined,
  });
}
