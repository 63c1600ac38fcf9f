/**
 * `rum up`: make the VM described by rum.toml exist, run, and be ready.
 * Idempotent: every phase checks what is already there and skips its work.
 */

import { guestArch } from "../config/arch";
import type { LoadedConfig } from "../config/load";
import { domainXml } from "../domain/index";
import { RumError } from "../errors";
import { phase } from "../events";
import { checkPortsFree } from "../guest/forwards";
import { sshTarget, vmKeys } from "../guest/session";
import type { SshTarget } from "../guest/ssh-target";
import { type PoolSurvey, surveyHost } from "../host/host-survey";
import { ensurePool, LOG_POOL, POOL } from "../host/pool";
import { ensureImage } from "../image/ensure";
import type { ProgressRenderer } from "../image/progress";
import { log, step } from "../log";
import { lockVm } from "../state/lock";
import { ensureStateDir, readState, updateState } from "../state/vm-state";
import { ensureBaseVolume } from "./base-volume";
import { consoleLogPools, ensureConsoleLog } from "./console-log";
import { openVm, type Vm } from "./context";
import { changedSettings, defineDomain } from "./define";
import { describeSizeChange, growVolumes, sizeChanges, sizedVolumes } from "./disk-sizes";
import { domainSpec } from "./domain-spec";
import { guestUserIds } from "./guest-ids";
import { inspectVm } from "./inspect";
import { resolveMounts } from "./mounts";
import { prepareNics, usesDefaultNetwork } from "./nics";
import { preflight } from "./preflight";
import { waitUntilReady } from "./readiness";
import { resetVm } from "./reset";
import { buildSeed, seedInput } from "./seed";
import { ensureDriveVolumes, ensureRootVolume, ensureSeedVolume } from "./storage";
import { forwardPorts } from "./up-forwards";

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
  /** How to reach the guest (null with --no-wait or wait_for_ip = false). */
  ssh: SshTarget | null;
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
  await phase("preflight", () => preflight(vm));
  const mounts = resolveMounts(vm);
  const ids = guestUserIds(vm);
  if (mounts.length > 0 && ids.mismatch) log.warn(ids.mismatch);
  // The first libvirt call: a dead or closed libvirt stops rum here, before any work.
  if (opts.reset) await phase("reset", () => resetVm(vm));
  // With the addresses: a no-op `rum up` then needs no second virsh process.
  const seen = await phase(
    "inspect",
    () => inspectVm(vm, { addresses: true, capacities: sizedVolumes(vm) }),
    (s) => ({ state: s.domain?.state ?? "absent" }),
  );
  const existing = seen.domain;
  await checkPortsFree(config.ports, { stateDir: vm.stateDir });
  const keys = await phase("keys", () => vmKeys(vm));
  const seed = await phase(
    "seed",
    async () => buildSeed(seedInput(vm, keys, mounts)),
    (s) => ({ hash: s.hash }),
  );
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
      await vm.virsh.run(["resume", vm.domain]).catch(async (e) => {
        // libvirtd may finish that start itself and run the CPUs before we ask.
        if ((await vm.virsh.domState(vm.domain)) !== "running") throw e;
      });
    } else log.info(`VM ${vm.loaded.name} is already ${existing.state}`);
    const wasReady = Boolean((await readState(vm.stateDir)).firstBootDone);
    const address = opts.noWait
      ? null
      : await waitUntilReady(vm, {
          quick: true,
          seen: { state: existing.state, addresses: seen.addresses },
        });
    if (address) await forwardPorts(vm, keys, address, false);
    return { vm, unchanged: wasReady, address, ssh: address ? sshTarget(vm, keys, address) : null };
  }

  const image = await step(
    "checking image",
    async () => {
      const ready = await ensureImage(config.image.base, {
        arch: guestArch(config),
        configDir: vm.loaded.dir,
        ...(config.image.sha256 ? { sha256: config.image.sha256 } : {}),
        onProgress: opts.progress?.onProgress,
        onNote: opts.progress?.onNote ?? ((m) => log.info(m)),
      });
      opts.progress?.done();
      return ready;
    },
    {
      phase: "image",
      details: (r) => ({ path: r.path, source: r.source, format: r.format, sha256: r.sha256 }),
    },
  );
  const host = await step(
    "preparing storage",
    async () => {
      const surveyed = await phase("survey", () =>
        surveyHost(vm.virsh, {
          pools: [POOL, ...consoleLogPools(vm)],
          networks: usesDefaultNetwork(vm) ? ["default"] : [],
        }),
      );
      const known = surveyed.pools.get(POOL) as PoolSurvey;
      await phase("pool", () => ensurePool(vm.virsh, POOL, known));
      const base = await phase(
        "base-volume",
        () => ensureBaseVolume(vm.virsh, image, known),
        (volume) => ({ volume }),
      );
      await phase("volumes", async () => {
        await ensureRootVolume(
          vm,
          { volume: base, format: image.format, virtualSize: image.virtualSize },
          known,
        );
        await ensureDriveVolumes(vm, known);
        await growVolumes(vm, resizes);
      });
      await phase(
        "seed-volume",
        () => ensureSeedVolume(vm, seed, known),
        () => ({ volume: seedVolume }),
      );
      await ensureConsoleLog(vm, surveyed.pools.get(LOG_POOL));
      return surveyed;
    },
    { phase: "storage" },
  );
  await phase("network", () => prepareNics(vm, host.networks));
  if (!existing || (await changedSettings(vm, spec)).length > 0) {
    await step(
      existing ? "redefining domain (config changed)" : "defining domain",
      () => defineDomain(vm, spec, existing),
      { phase: "define", details: () => ({ redefined: Boolean(existing) }) },
    );
  }
  await step("starting VM", () => startDomain(vm), { phase: "start" });
  await updateState(vm.stateDir, { booted: true, configHash: vm.loaded.hash });
  const address = opts.noWait ? null : await waitUntilReady(vm, { quick: false });
  if (address) await forwardPorts(vm, keys, address, true);
  return { vm, unchanged: false, address, ssh: address ? sshTarget(vm, keys, address) : null };
}
