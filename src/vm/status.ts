/**
 * `rum status`: what the VM is doing, as one plain object (printed as JSON or
 * as text). A VM that does not exist is a normal answer, not an error.
 */
import type { LoadedConfig } from "../config/load";
import { ensureForwards, type ForwardStatus, forwardStatus } from "../guest/forwards";
import { keyPaths } from "../guest/keys";
import { isMasterRunning } from "../guest/master";
import { sshNic, sshTarget } from "../guest/session";
import { controlPathFor } from "../guest/ssh-control-path";
import { readState } from "../state/vm-state";
import type { WatcherStatus } from "../watch/lifecycle";
import { openVm } from "./context";
import { inspectVm } from "./inspect";
import { recordedSnapshots } from "./snapshots";
import { watchStatus } from "./watch";

export interface VmStatus {
  name: string;
  domain: string;
  config: string;
  uri: string;
  state: string;
  /** The running domain's definition differs from rum.toml (needs down + up). */
  configChanged: boolean;
  interfaces: { mac: string; network?: string; bridge?: string; ip: string | null }[];
  ssh: { address: string | null; user: string; master: boolean };
  volumes: string[];
  forwards: ForwardStatus;
  /** The inotify/auto_forward watcher (src/watch). */
  watcher: WatcherStatus;
  provisioned: boolean;
  /** `rum snapshot` copies, from the state dir (no extra virsh call). */
  snapshots: { name: string; createdAt: string; volumes: string[] }[];
  stateDir: string;
}

export async function status(
  loaded: LoadedConfig,
  opts: { connect?: string } = {},
): Promise<VmStatus> {
  const vm = openVm(loaded, opts.connect);
  const ports = loaded.config.ports;
  // Every libvirt question in one virsh process: its start is most of the time,
  // so what rum reads on this host is read meanwhile.
  const [seen, state, snapshots, masterListening, recordedForwards] = await Promise.all([
    inspectVm(vm, { addresses: true, volumes: true }),
    readState(vm.stateDir),
    recordedSnapshots(vm.stateDir),
    isMasterRunning({ controlPath: controlPathFor(vm.stateDir, vm.domain) }),
    forwardStatus(vm.stateDir, ports),
  ]);
  const existing = seen.domain;
  const running = existing?.state === "running";
  const interfaces = seen.addresses.map((a, i) => {
    const src = vm.nics[i]?.source;
    return { ...a, ...(src && "bridge" in src ? { bridge: src.bridge } : {}) };
  });
  const sshIp = running ? (interfaces.find((i) => i.mac === sshNic(vm).mac)?.ip ?? null) : null;
  // The key files named, not read: status only looks (and restarts forwarders over the master).
  const target = sshIp ? sshTarget(vm, keyPaths(vm.stateDir, vm.domain), sshIp) : null;
  const master = target ? masterListening : false;
  let forwards = recordedForwards;
  // Forwards live as long as the VM: one that died is restarted here too.
  if (target && ports.length > 0 && !forwards.running && state.firstBootDone) {
    forwards = await ensureForwards({ stateDir: vm.stateDir, target, ports }).catch(() => forwards);
  }
  const watch = await watchStatus(vm, target, Boolean(state.firstBootDone));
  return {
    name: loaded.name,
    domain: vm.domain,
    config: loaded.path,
    uri: vm.virsh.uri,
    state: existing?.state ?? "absent",
    configChanged: existing ? existing.metadata.configHash !== loaded.hash : false,
    interfaces,
    ssh: { address: sshIp, user: loaded.config.ssh.user ?? loaded.config.user.name, master },
    forwards: { ...forwards, ports: [...forwards.ports, ...watch.auto] },
    watcher: watch.watcher,
    volumes: seen.volumes,
    provisioned: Boolean(state.firstBootDone),
    snapshots: snapshots.map((s) => ({
      name: s.name,
      createdAt: s.createdAt,
      volumes: s.volumes.map((v) => v.copy),
    })),
    stateDir: vm.stateDir,
  };
}
