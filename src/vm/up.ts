/**
 * `rum up`: make the VM described by rum.toml exist, run, and be ready.
 * Idempotent: every phase checks what is already there and skips its work.
 */

import { guestArch } from "../config/arch";
import type { LoadedConfig } from "../config/load";
import { domainXml } from "../domain/index";
import { RumError } from "../errors";
import { checkPortsFree, ensureForwards } from "../guest/forwards";
import type { VmKeys } from "../guest/keys";
import { sshTarget, vmKeys } from "../guest/session";
import { ensurePool } from "../host/pool";
import { ensureImage } from "../image/ensure";
import type { ProgressRenderer } from "../image/progress";
import { log, step } from "../log";
import { lockVm } from "../state/lock";
import { ensureStateDir, readState, updateState } from "../state/vm-state";
import { ensureBaseVolume } from "./base-volume";
import { ensureConsoleLog } from "./console-log";
import { openVm, type Vm } from "./context";
import { changedSettings, defineDomain } from "./define";
import { describeSizeChange, growVolumes, sizeChanges, sizedVolumes } from "./disk-sizes";
import { domainSpec } from "./domain-spec";
import { guestUserIds } from "./guest-ids";
import { inspectVm } from "./inspect";
import { resolveMounts } from "./mounts";
import { prepareNics } from "./nics";
import { preflight } from "./preflight";
import { waitUntilReady } from "./readiness";
import { resetVm } from "./reset";
import { buildSeed, seedInput } from "./seed";
import { ensureDriveVolumes, ensureRootVolume, ensureSeedVolume } from "./storage";
import { ensureVmWatcher, watchSpec } from "./watch";

export interface UpOptions {
  reset?: boolean;
  /** Return once the domain runs, without waiting for SSH/cloud-init. */
  noWait?: boolean;
  connect?: string;
  /** Download progress display (bar on a TTY, plain lines otherwise). */
  progress?: ProgressRenderer;
}

export interface UpResult {
  vm: Vm;
  /** Nothing had to change: the VM was already running with this config. */
  unchanged: boolean;
  address: string | null;
}

/** libvirt's words for "this host cannot do KVM" (no module, no access, nested off). */
const NO_KVM =
  /KVM is not available|Could not access KVM|requires KVM|kvm.*(No such file|Permission denied)/i;

async function startDomain(vm: Vm): Promise<void> {
  try {
    await vm.virsh.run(["start", vm.domain]);
  } catch (e) {
    if (
      vm.loaded.config.advanced.domain_type === "kvm" &&
      NO_KVM.test(String((e as Error).message))
    ) {
      throw new RumError(`KVM is not usable on the libvirt host (${vm.virsh.uri})`, {
        hint: 'enable virtualization / load the kvm module and fix /dev/kvm permissions (see `rum doctor`), or set [advanced] domain_type = "qemu" for (slow) software emulation',
        cause: e,
      });
    }
    throw e;
  }
}

/**
 * Start (or keep, or restart) the forwarder and the watcher; an empty [[ports]]
 * (or neither inotify nor auto_forward) stops an old one.
 */
async function forwardPorts(
  vm: Vm,
  keys: VmKeys,
  address: string,
  restart: boolean,
): Promise<void> {
  const ports = vm.loaded.config.ports;
  const target = sshTarget(vm, keys, address);
  const run = () => ensureForwards({ stateDir: vm.stateDir, target, ports, restart });
  if (ports.length === 0) await run();
  else
    await step(`forwarding ${ports.map((p) => `${p.bind}:${p.host}→${p.guest}`).join(", ")}`, run);
  if (watchSpec(vm, target))
    await step("starting the watcher", () => ensureVmWatcher(vm, target, restart));
  else await ensureVmWatcher(vm, target, restart);
}

export async function up(loaded: LoadedConfig, opts: UpOptions = {}): Promise<UpResult> {
  const vm = openVm(loaded, opts.connect);
  await ensureStateDir(vm.stateDir);
  const lock = await lockVm(vm.stateDir, `VM ${loaded.name}`, 10_000);
  try {
    return await upLocked(vm, opts);
  } finally {
    await lock.release();
  }
}

async function upLocked(vm: Vm, opts: UpOptions): Promise<UpResult> {
  const { config } = vm.loaded;
  await preflight(vm);
  const mounts = resolveMounts(vm);
  const ids = guestUserIds(vm);
  if (mounts.length > 0 && ids.mismatch) log.warn(ids.mismatch);
  // The first libvirt call: a dead or closed libvirt stops rum here, before any work.
  if (opts.reset) await resetVm(vm);
  // With the addresses: a no-op `rum up` then needs no second virsh process.
  const seen = await inspectVm(vm, { addresses: true, capacities: sizedVolumes(vm) });
  const existing = seen.domain;
  await checkPortsFree(config.ports, { stateDir: vm.stateDir });
  const keys = await vmKeys(vm);
  const seed = buildSeed(seedInput(vm, keys, mounts));
  const seedVolume = vm.seedVolume(seed.hash);
  const spec = domainSpec(vm, seedVolume, mounts);
  domainXml(spec); // refuse values libvirt would reject before any work is done
  const resizes = await sizeChanges(vm, seen.capacities); // a shrink is refused here, before any change

  if (existing && existing.state !== "shut off") {
    const changed = [...(await changedSettings(vm, spec)), ...resizes.map(describeSizeChange)];
    if (changed.length > 0) {
      throw new RumError(
        `VM ${vm.loaded.name} is ${existing.state} with a different configuration: ${changed.join("; ")}`,
        {
          hint: "apply it with `rum down && rum up` (or `rum up --reset` for a fresh first boot)",
        },
      );
    }
    if (existing.state === "paused") {
      // A `virsh start` cut short (Ctrl-C) leaves QEMU with its CPUs stopped;
      // waiting for an address from it would last until the timeout.
      log.info(`VM ${vm.loaded.name} is paused: resuming it`);
      await vm.virsh.run(["resume", vm.domain]);
    } else log.info(`VM ${vm.loaded.name} is already ${existing.state}`);
    const wasReady = Boolean((await readState(vm.stateDir)).firstBootDone);
    const address = opts.noWait
      ? null
      : await waitUntilReady(vm, {
          quick: true,
          seen: { state: existing.state, addresses: seen.addresses },
        });
    if (address) await forwardPorts(vm, keys, address, false);
    return { vm, unchanged: wasReady, address };
  }

  const image = await step("checking image", async () => {
    const ready = await ensureImage(config.image.base, {
      arch: guestArch(config),
      configDir: vm.loaded.dir,
      ...(config.image.sha256 ? { sha256: config.image.sha256 } : {}),
      onProgress: opts.progress?.onProgress,
      onNote: opts.progress?.onNote ?? ((m) => log.info(m)),
    });
    opts.progress?.done();
    return ready;
  });
  await step("preparing storage", async () => {
    await ensurePool(vm.virsh);
    const base = await ensureBaseVolume(vm.virsh, image);
    await ensureRootVolume(vm, {
      volume: base,
      format: image.format,
      virtualSize: image.virtualSize,
    });
    await ensureDriveVolumes(vm);
    await growVolumes(vm, resizes);
    await ensureSeedVolume(vm, seed);
    await ensureConsoleLog(vm);
  });
  await prepareNics(vm);
  if (!existing || (await changedSettings(vm, spec)).length > 0) {
    await step(existing ? "redefining domain (config changed)" : "defining domain", () =>
      defineDomain(vm, spec),
    );
  }
  await step("starting VM", () => startDomain(vm));
  await updateState(vm.stateDir, { booted: true, configHash: vm.loaded.hash });
  const address = opts.noWait ? null : await waitUntilReady(vm, { quick: false });
  if (address) await forwardPorts(vm, keys, address, true);
  return { vm, unchanged: false, address };
}
