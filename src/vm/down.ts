/** `rum down`: ACPI power-off, forced off after a timeout; says which happened. */

import type { LoadedConfig } from "../config/load";
import { log } from "../log";
import { lockVm } from "../state/lock";
import { ensureStateDir } from "../state/vm-state";
import { openVm } from "./context";
import { ownedDomain } from "./ownership";
import { waitForPowerOff } from "./power-off";
import { stopSsh } from "./reset";

export type DownOutcome = "absent" | "already-off" | "acpi" | "forced";

export interface DownOptions {
  timeoutS?: number;
  force?: boolean;
  connect?: string;
}

export async function down(loaded: LoadedConfig, opts: DownOptions = {}): Promise<DownOutcome> {
  const vm = openVm(loaded, opts.connect);
  await ensureStateDir(vm.stateDir);
  const lock = await lockVm(vm.stateDir, `VM ${loaded.name}`, 10_000);
  try {
    const existing = await ownedDomain(vm);
    if (!existing) return "absent";
    if (existing.state === "shut off" || opts.force) await stopSsh(vm);
    if (existing.state === "shut off") return "already-off";
    if (!opts.force) {
      // The SSH master and forwards end while the guest powers off, not before.
      await Promise.all([stopSsh(vm), vm.virsh.lookup(["shutdown", vm.domain])]);
      if (await waitForPowerOff(vm, (opts.timeoutS ?? 30) * 1000)) return "acpi";
      log.warn(`the guest did not power off within ${opts.timeoutS ?? 30}s; forcing it off`);
    }
    await vm.virsh.lookup(["destroy", vm.domain]);
    return "forced";
  } finally {
    await lock.release();
  }
}
