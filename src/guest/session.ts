/**
 * One VM's SSH endpoint: its address, pinned keys and master connection, and
 * the way rum runs commands there.
 */
import { existsSync } from "node:fs";
import { RumError } from "../errors";
import { type RunOptions, type RunResult, run } from "../host/proc";
import { readState, updateState } from "../state/vm-state";
import type { Vm } from "../vm/context";
import { nicAddress } from "./address";
import { jumpHostFromUri } from "./jump";
import { ensureVmKeys, type KeyPaths, keyPaths, type VmKeys } from "./keys";
import { type SshArgvOptions, sshArgv } from "./ssh-argv";
import { controlPathFor } from "./ssh-control-path";
import type { SshTarget } from "./ssh-target";

export function vmKeys(vm: Vm): Promise<VmKeys> {
  return ensureVmKeys(vm.stateDir, { hostKeyAlias: vm.domain });
}

/** The NIC SSH uses: `[ssh] interface` (network or bridge name), else the first. */
export function sshNic(vm: Vm): Vm["nics"][number] {
  const wanted = vm.loaded.config.ssh.interface;
  const nic = wanted
    ? vm.nics.find((n) => ("network" in n.source ? n.source.network : n.source.bridge) === wanted)
    : vm.nics[0];
  if (!nic) {
    throw new RumError(
      wanted
        ? `[ssh] interface = "${wanted}" names no NIC of this VM`
        : "this VM has no network interface to reach it by SSH",
      { exitCode: 2, hint: "set [ssh] interface to one of the VM's networks or bridges" },
    );
  }
  return nic;
}

export async function guestAddress(vm: Vm): Promise<string | null> {
  const nic = sshNic(vm);
  return nicAddress(vm.virsh, vm.domain, {
    mac: nic.mac,
    ...("network" in nic.source ? { network: nic.source.network } : {}),
  });
}

/** How the guest is reached: `[ssh] proxy_jump` as written, else the libvirt host of an ssh URI. */
export function jumpFor(vm: Vm): Pick<SshTarget, "proxyJump" | "jumpHost"> {
  const explicit = vm.loaded.config.ssh.proxy_jump;
  if (explicit) return { proxyJump: explicit };
  const jumpHost = jumpHostFromUri(vm.virsh.uri);
  return jumpHost ? { jumpHost } : {};
}

export function sshTarget(vm: Vm, keys: KeyPaths, host: string): SshTarget {
  return {
    host,
    user: vm.loaded.config.ssh.user ?? vm.loaded.config.user.name,
    keyPath: keys.clientKey,
    knownHostsPath: keys.knownHostsPath,
    hostKeyAlias: keys.hostKeyAlias,
    controlPath: controlPathFor(vm.stateDir, vm.domain),
    sshCommand: vm.loaded.config.ssh.command,
    ...jumpFor(vm),
  };
}

/** What the caller already asked libvirt in its own batch (vm/inspect.ts). */
export interface SeenDomain {
  state: string | null;
  addresses: readonly { mac: string; ip: string | null }[];
}

/**
 * The target of a running VM, or a clear error when it has no address yet.
 * While the master connection is up, the address it was opened to is reused
 * without asking libvirt, and the keys are named, not read or checked (ssh
 * goes through the master, which authenticated when it opened): that keeps a
 * repeated `rum exec` to one ssh hop and no work of rum's beyond the config.
 * A caller that has just asked libvirt passes what it saw, so libvirt is not
 * asked twice.
 */
export async function requireTarget(vm: Vm, seen?: SeenDomain): Promise<SshTarget> {
  const known = (await readState(vm.stateDir)).address;
  if (known && existsSync(controlPathFor(vm.stateDir, vm.domain))) {
    return sshTarget(vm, keyPaths(vm.stateDir, vm.domain), known);
  }
  const state = seen ? seen.state : await vm.virsh.domState(vm.domain);
  if (state !== "running") {
    throw new RumError(`VM ${vm.loaded.name} is ${state ?? "not created"}`, {
      hint: "start it with `rum up`",
    });
  }
  const ip = seen
    ? (seen.addresses.find((a) => a.mac === sshNic(vm).mac)?.ip ?? null)
    : await guestAddress(vm);
  if (!ip)
    throw new RumError(`VM ${vm.loaded.name} has no address yet`, {
      hint: "wait for `rum up` to finish, or see `rum log --console`",
    });
  await updateState(vm.stateDir, { address: ip });
  return sshTarget(vm, await vmKeys(vm), ip);
}

/** Run a command in the guest non-interactively (plain `ssh`, never the user's [ssh] command). */
export function guestRun(
  target: SshTarget,
  command: string[],
  opts: RunOptions & Pick<SshArgvOptions, "tty"> = {},
): Promise<RunResult> {
  const argv = sshArgv(
    { ...target, sshCommand: "ssh" },
    { command, batch: true, tty: opts.tty ?? false },
  );
  return run(argv, { allowFailure: true, ...opts });
}
