/**
 * The VM's volumes in the `rum` pool: root overlay, extra drives, seed ISO.
 * Each is created by one virsh call or recorded in state.json only once its
 * upload finished, so an interrupted `rum up` is simply repeated.
 */
import { readdir, rm, writeFile } from "node:fs/promises";
import { join } from "pathe";
import { parseSize } from "../config/size";
import { type PoolSurvey, surveyedVolume } from "../host/host-survey";
import { createVolume, deleteVolume, listVolumes, uploadVolume, volumeExists } from "../host/pool";
import { readState, updateState } from "../state/vm-state";
import type { Vm } from "./context";
import type { SeedImage } from "./seed";

export async function ensureRootVolume(
  vm: Vm,
  base: { volume: string; format: "qcow2" | "raw"; virtualSize: number },
  known: PoolSurvey,
): Promise<void> {
  if (await exists(vm, known, vm.rootVolume)) return;
  // Never smaller than the image itself: qemu-img refuses to shrink a backing view.
  const size = Math.max(parseSize(vm.loaded.config.resources.disk), base.virtualSize);
  await createVolume(vm.virsh, vm.rootVolume, size, "qcow2", {
    volume: base.volume,
    format: base.format,
  });
  await updateState(vm.stateDir, { rootVolume: vm.rootVolume });
}

export async function ensureDriveVolumes(vm: Vm, known: PoolSurvey): Promise<void> {
  for (const [name, drive] of Object.entries(vm.loaded.config.drives)) {
    const vol = vm.driveVolume(name);
    if (!(await exists(vm, known, vol)))
      await createVolume(vm.virsh, vol, parseSize(drive.size), "qcow2");
  }
}

/** Upload the seed unless this exact seed is already there; drop older seeds of this VM. */
export async function ensureSeedVolume(
  vm: Vm,
  seed: SeedImage,
  known: PoolSurvey,
): Promise<string> {
  const name = vm.seedVolume(seed.hash);
  const state = await readState(vm.stateDir);
  await removeStaleSeedFiles(vm.stateDir);
  const there = await exists(vm, known, name);
  if (state.seedVolume !== name || !there) {
    const tmp = join(vm.stateDir, `.seed-${process.pid}.iso`);
    await writeFile(tmp, seed.bytes, { mode: 0o600 });
    try {
      if (!there) await createVolume(vm.virsh, name, seed.bytes.length, "raw");
      await uploadVolume(vm.virsh, name, tmp);
    } finally {
      await rm(tmp, { force: true });
    }
    await updateState(vm.stateDir, { seedVolume: name });
  }
  const prefix = `${vm.domain}-seed-`;
  for (const vol of known.volumes ?? (await listVolumes(vm.virsh))) {
    if (vol.startsWith(prefix) && vol !== name) await deleteVolume(vm.virsh, vol);
  }
  return name;
}

/**
 * A rum killed during the upload (Ctrl-C too: rum has no signal handler) left
 * its temporary ISO, which holds the guest's private host key. We hold the VM
 * lock, so no other rum is using one.
 */
const exists = (vm: Vm, known: PoolSurvey, name: string) =>
  surveyedVolume(known, name, () => volumeExists(vm.virsh, name));

async function removeStaleSeedFiles(stateDir: string): Promise<void> {
  for (const f of await readdir(stateDir)) {
    if (/^\.seed-\d+\.iso$/.test(f)) await rm(join(stateDir, f), { force: true });
  }
}

/**
 * Every volume that belongs to this VM: exactly the names rum gives them
 * (root, seeds, drives), so a foreign volume that merely shares the prefix is
 * never listed or deleted.
 */
export async function vmVolumes(vm: Vm): Promise<string[]> {
  return ownVolumes(vm, await listVolumes(vm.virsh));
}

/** The names among a pool's volumes that are this VM's. */
export function ownVolumes(vm: Vm, names: readonly string[]): string[] {
  const prefix = `${vm.domain}-`;
  const own =
    /^(root\.qcow2|seed-[0-9a-f]{12}\.iso|drive-[a-z0-9][a-z0-9_-]*\.qcow2|uefi-vars\.fd)$/;
  return names.filter((v) => v.startsWith(prefix) && own.test(v.slice(prefix.length)));
}
