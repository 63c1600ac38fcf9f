/**
 * The last phases of `rum up`: the port forwarder and the watcher, which
 * need the guest's address and SSH.
 */
import { phase } from "../events";
import { ensureForwards } from "../guest/forwards";
import type { VmKeys } from "../guest/keys";
import { sshTarget } from "../guest/session";
import { step } from "../log";
import type { Vm } from "./context";
import { ensureVmWatcher, watchSpec } from "./watch";

/**
 * Start (or keep, or restart) the forwarder and the watcher; an empty [[ports]]
 * (or neither inotify nor auto_forward) stops an old one.
 */
export async function forwardPorts(
  vm: Vm,
  keys: VmKeys,
  address: string,
  restart: boolean,
): Promise<void> {
  const ports = vm.loaded.config.ports;
  const target = sshTarget(vm, keys, address);
  const run = () => ensureForwards({ stateDir: vm.stateDir, target, ports, restart });
  // An event-only phase when there is nothing to show: the stream names every phase.
  if (ports.length === 0) await phase("forwards", run);
  else
    await step(`forwarding ${ports.map((p) => `${p.bind}:${p.host}→${p.guest}`).join(", ")}`, run, {
      phase: "forwards",
      details: () => ({
        ports: ports.map((p) => ({ bind: p.bind, host: p.host, guest: p.guest })),
      }),
    });
  if (watchSpec(vm, target))
    await step("starting the watcher", () => ensureVmWatcher(vm, target, restart), {
      phase: "watcher",
    });
  else await phase("watcher", () => ensureVmWatcher(vm, target, restart));
}
