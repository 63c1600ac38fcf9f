/**
 * `rum destroy`: the VM's domain, volumes and host state go; the cached base
 * image (shared with other VMs) stays.
 */
import { rm } from "node:fs/promises";
import type { LoadedConfig } from "../config/load";
import { lockVm } from "../state/lock";
import { ensureStateDir } from "../state/vm-state";
import { removeConsoleLog } from "./console-log";
import { openVm } from "./context";
import { releaseNics } from "./nics";
import { removeDomain, removeVolumes, stopSsh } from "./reset";
import { removeSnapshots } from "./snapshots";

export interface DestroyResult {
  domainRemoved: boolean;
  volumes: string[];
}

export async function destroy(
  loaded: LoadedConfig,
  opts: { connect?: string } = {},
): Promise<DestroyResult> {
  const vm = openVm(loaded, opts.connect);
  await ensureStateDir(vm.stateDir);
  const lock = await lockVm(vm.stateDir, `VM ${loaded.name}`, 10_000);
  try {
    await stopSsh(vm);
    const domainRemoved = await removeDomain(vm);
    const volumes = [...(await removeVolumes(vm)), ...(await removeSnapshots(vm))];
    await removeConsoleLog(vm);
    await releaseNics(vm);
    await rm(vm.stateDir, { recursive: true, force: true });
    return { domainRemoved, volumes };
  } finally {
    await lock.release();
  }
}
