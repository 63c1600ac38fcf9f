/**
 * The VM's watcher (src/watch) as rum.toml asks for it: `[[mounts]] inotify` and
 * `[network] auto_forward`. `up` starts it next to the port forwarder, `status`
 * restarts it when it died, `down`/`destroy` stop it (reset.ts).
 */
import { resolveMountSource } from "../config/mount-source";
import type { ForwardStatus } from "../guest/forwards";
import type { SshTarget } from "../guest/ssh-target";
import { ensureWatcher, type WatcherStatus, watcherStatus } from "../watch/lifecycle";
import { readAutoForwards, type WatchSpec } from "../watch/spec";
import type { Vm } from "./context";

/** Null when rum.toml asks for neither: then no watcher runs. */
export function watchSpec(vm: Vm, target: SshTarget): WatchSpec | null {
  const { config } = vm.loaded;
  const mounts = config.mounts
    .filter((m) => m.inotify)
    .map((m) => ({ host: resolveMountSource(vm.loaded, m), guest: m.target, ignore: m.ignore }));
  const { auto_forward, auto_forward_exclude } = config.network;
  const autoForward = auto_forward ? { exclude: auto_forward_exclude } : null;
  return mounts.length > 0 || autoForward ? { target, mounts, autoForward } : null;
}

export function ensureVmWatcher(vm: Vm, target: SshTarget, restart: boolean) {
  return ensureWatcher({ stateDir: vm.stateDir, spec: watchSpec(vm, target), restart });
}

/**
 * For `rum status`: the watcher (restarted when it died while the VM runs) and the
 * auto forwards it holds, in the shape of the `[[ports]]` ones.
 */
export async function watchStatus(
  vm: Vm,
  target: SshTarget | null,
  provisioned: boolean,
): Promise<{ watcher: WatcherStatus; auto: ForwardStatus["ports"] }> {
  let watcher = await watcherStatus(vm.stateDir);
  const spec = target ? watchSpec(vm, target) : null;
  if (spec && !watcher.running && provisioned) {
    watcher = await ensureWatcher({ stateDir: vm.stateDir, spec }).catch(() => watcher);
  }
  const auto = watcher.running ? await readAutoForwards(vm.stateDir) : [];
  return {
    watcher,
    auto: auto.map((f) => ({
      host: f.port,
      guest: f.port,
      bind: "127.0.0.1",
      listening: f.forwarded,
      source: "auto" as const,
      ...(f.note ? { note: f.note } : {}),
    })),
  };
}
