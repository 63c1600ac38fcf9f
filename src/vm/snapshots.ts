/**
 * `rum snapshot`: copies of a stopped VM's root disk and drives, made with
 * `virsh vol-clone` into the same pool. Not libvirt snapshots: libvirt 9.0
 * refuses internal snapshots of UEFI (pflash) domains and cannot revert
 * external ones, and qemu-img will not resize a qcow2 that holds internal
 * snapshots (which would break growing disks). Copies work for BIOS and UEFI
 * (a UEFI guest's variables file lives in the pool, see domain-spec.ts, and is copied too),
 * for libvirt-group users and remote hosts. A snapshot also keeps whether
 * first-boot provisioning had run, which goes back with the disks.
 */
import { readFile, rm } from "node:fs/promises";
import { join } from "pathe";
import type { LoadedConfig } from "../config/load";
import { RumError, UsageError } from "../errors";
import { deleteVolume, listVolumes, POOL, refreshPool, volumeExists } from "../host/pool";
import { lockVm } from "../state/lock";
import { ensureStateDir, readState, updateState } from "../state/vm-state";
import { writeJsonAtomic } from "../util/atomic-write";
import { openVm, type Vm } from "./context";
import { ownedDomain } from "./ownership";

export const SNAPSHOT_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;
const FILE = "snapshots.json";

export interface Snapshot {
  name: string;
  createdAt: string;
  /** First-boot provisioning had finished when it was taken. */
  firstBootDone: boolean;
  /** Each VM volume and the copy that holds its contents. */
  volumes: { volume: string; copy: string }[];
}

/** The snapshots recorded in a VM's state dir: no libvirt call (`rum status` shows them too). */
export async function recordedSnapshots(stateDir: string): Promise<Snapshot[]> {
  try {
    return JSON.parse(await readFile(join(stateDir, FILE), "utf8")) as Snapshot[];
  } catch {
    return [];
  }
}

const readSnapshots = (vm: Vm) => recordedSnapshots(vm.stateDir);

const writeSnapshots = (vm: Vm, list: Snapshot[]) => writeJsonAtomic(join(vm.stateDir, FILE), list);

function find(list: Snapshot[], name: string, vmName: string): Snapshot {
  const s = list.find((x) => x.name === name);
  if (!s)
    throw new UsageError(`VM ${vmName} has no snapshot "${name}"`, {
      hint: `its snapshots: ${list.map((x) => x.name).join(", ") || "none"} (\`rum snapshot list\`)`,
    });
  return s;
}

/** The VM exists and is shut off: copying a disk a guest writes to gives a torn copy. */
async function requireStopped(vm: Vm, what: string): Promise<void> {
  const d = await ownedDomain(vm);
  if (!d) throw new RumError(`VM ${vm.loaded.name} is not created`, { hint: "run `rum up` first" });
  if (d.state !== "shut off")
    throw new RumError(`cannot ${what} while VM ${vm.loaded.name} is ${d.state}`, {
      hint: "stop it first with `rum down`",
    });
}

async function locked<T>(
  loaded: LoadedConfig,
  connect: string | undefined,
  fn: (vm: Vm) => Promise<T>,
) {
  const vm = openVm(loaded, connect);
  await ensureStateDir(vm.stateDir);
  const lock = await lockVm(vm.stateDir, `VM ${loaded.name}`, 10_000);
  try {
    return await fn(vm);
  } finally {
    await lock.release();
  }
}

const clone = (vm: Vm, from: string, to: string) =>
  vm.virsh.run(["vol-clone", "--pool", POOL, from, to]);

export function saveSnapshot(loaded: LoadedConfig, name: string, connect?: string) {
  if (!SNAPSHOT_NAME.test(name))
    throw new UsageError(`invalid snapshot name "${name.slice(0, 40)}"`, {
      hint: "use 1–32 lowercase letters, digits, - or _, starting with a letter or digit",
    });
  return locked(loaded, connect, async (vm): Promise<Snapshot> => {
    const list = await readSnapshots(vm);
    if (list.some((s) => s.name === name))
      throw new UsageError(`VM ${loaded.name} already has a snapshot "${name}"`, {
        hint: `pick another name, or \`rum snapshot delete ${name}\` first`,
      });
    await requireStopped(vm, "take a snapshot");
    // libvirt makes a UEFI guest's variables file at its first start, behind the pool's back.
    await refreshPool(vm.virsh);
    const names = [
      vm.rootVolume,
      ...Object.keys(loaded.config.drives).map(vm.driveVolume),
      vm.uefiVarsVolume,
    ];
    const volumes: Snapshot["volumes"] = [];
    for (const volume of names) {
      if (!(await volumeExists(vm.virsh, volume))) continue;
      const copy = `${vm.domain}-snap-${name}-${volume.slice(vm.domain.length + 1)}`;
      try {
        await clone(vm, volume, copy);
      } catch (e) {
        // All or nothing: a half-taken snapshot would restore a mix of disks.
        for (const v of [...volumes.map((x) => x.copy), copy]) await deleteVolume(vm.virsh, v);
        throw e;
      }
      volumes.push({ volume, copy });
    }
    const state = await readState(vm.stateDir);
    const snap = {
      name,
      createdAt: new Date().toISOString(),
      firstBootDone: Boolean(state.firstBootDone),
      volumes,
    };
    await writeSnapshots(vm, [...list, snap]);
    return snap;
  });
}

export function listSnapshots(loaded: LoadedConfig, connect?: string): Promise<Snapshot[]> {
  return readSnapshots(openVm(loaded, connect));
}

/** Each disk back to its copy; a restore cut short is finished by running it again. */
export function restoreSnapshot(loaded: LoadedConfig, name: string, connect?: string) {
  return locked(loaded, connect, async (vm) => {
    const snap = find(await readSnapshots(vm), name, loaded.name);
    await requireStopped(vm, "restore a snapshot");
    for (const { copy } of snap.volumes)
      if (!(await volumeExists(vm.virsh, copy)))
        throw new RumError(`snapshot "${name}" lost its volume ${copy}; nothing was restored`);
    for (const { volume, copy } of snap.volumes) {
      await deleteVolume(vm.virsh, volume);
      await clone(vm, copy, volume);
    }
    await updateState(vm.stateDir, { firstBootDone: snap.firstBootDone });
    return snap;
  });
}

export function deleteSnapshot(loaded: LoadedConfig, name: string, connect?: string) {
  return locked(loaded, connect, async (vm) => {
    const list = await readSnapshots(vm);
    const snap = find(list, name, loaded.name);
    for (const { copy } of snap.volumes) await deleteVolume(vm.virsh, copy);
    await writeSnapshots(
      vm,
      list.filter((s) => s !== snap),
    );
  });
}

/** For destroy: every snapshot copy of this VM, recorded or not (state may be gone). */
export async function removeSnapshots(vm: Vm): Promise<string[]> {
  if ((await vm.virsh.lookup(["pool-info", POOL])) === null) return [];
  const prefix = `${vm.domain}-snap-`;
  const copies = (await listVolumes(vm.virsh)).filter((v) => v.startsWith(prefix));
  for (const v of copies) await deleteVolume(vm.virsh, v);
  await rm(join(vm.stateDir, FILE), { force: true });
  return copies;
}
