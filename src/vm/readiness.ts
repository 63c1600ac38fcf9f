/**
 * After `virsh start`: wait for each readiness phase, stream provisioning
 * output, and record what finished so an interrupted wait resumes correctly.
 */

import { phase } from "../events";
import { followProvision, provisionFailed } from "../guest/provision";
import { retarget, waitForAddress, waitForCloudInit, waitForSsh } from "../guest/ready";
import { guestRun, requireTarget, type SeenDomain } from "../guest/session";
import { log } from "../log";
import { readState, updateState } from "../state/vm-state";
import type { Vm } from "./context";

export interface ReadyOptions {
  /** Already running and ready before: just confirm the address and SSH. */
  quick: boolean;
  /** The domain as the caller just saw it, so the quick check asks libvirt nothing. */
  seen?: SeenDomain;
}

const echo = (kind: string) => (line: string) => log.log(`  [${kind}] ${line}`);

export async function waitUntilReady(vm: Vm, opts: ReadyOptions): Promise<string | null> {
  const { config } = vm.loaded;
  if (!config.network.wait_for_ip) return null;
  const state = await readState(vm.stateDir);
  if (opts.quick && state.firstBootDone) {
    // Already ready once: one command over the master connection confirms it.
    const known = await phase(
      "ssh-check",
      async () => {
        const t = await requireTarget(vm, opts.seen).catch(() => null);
        return t && (await guestRun(t, ["true"], { timeoutMs: 15_000 })).exitCode === 0 ? t : null;
      },
      (t) => ({ address: t?.host ?? null, reachable: t !== null }),
    );
    if (known) return known.host;
  }
  let target = await waitForSsh(vm, await waitForAddress(vm));
  if (opts.quick && state.firstBootDone) return target.host;

  if (!state.firstBootDone && config.provision.system) {
    log.start("system provisioning (first boot)");
    const r = await phase(
      "provision-system",
      () => followProvision(target, "system", "first-boot", echo("system")),
      (r) => ({ exitCode: r.exitCode }),
    );
    if (r.exitCode !== null && r.exitCode !== 0) {
      await updateState(vm.stateDir, { firstBootDone: true });
      throw provisionFailed(r);
    }
  }
  target = await waitForCloudInit(target, config.advanced.cloud_init_timeout_s * 1000, (t) =>
    retarget(vm, t),
  );
  await updateState(vm.stateDir, { firstBootDone: true });
  if (config.provision.boot) {
    log.start("boot provisioning");
    const r = await phase(
      "provision-boot",
      () => followProvision(target, "boot", "wait", echo("boot")),
      (r) => ({ exitCode: r.exitCode }),
    );
    if (r.exitCode !== null && r.exitCode !== 0) throw provisionFailed(r);
  }
  log.success(`VM ${vm.loaded.name} is ready at ${target.host}`);
  return target.host;
}
