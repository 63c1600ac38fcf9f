/**
 * "Ready" as the phases a user can see: address → SSH port → SSH login →
 * cloud-init finished. Each poll is cheap and frequent (250 ms), so a lease or
 * an open port is noticed almost at once; each phase has its own deadline and
 * a timeout names the phase and the log to read.
 */

import { RumError } from "../errors";
import { leaseAskGate } from "../host/lease-files";
import { log, step } from "../log";
import { updateState } from "../state/vm-state";
import type { Vm } from "../vm/context";
import { tcpOpen } from "./address";
import { cloudInitWaitCommand } from "./cloud-init-wait";
import { checkJumpHost, jumpLabel } from "./jump";
import { guestAddress, guestRun, jumpFor, sshNic, sshTarget, vmKeys } from "./session";
import type { SshTarget } from "./ssh-target";

const POLL_MS = 250;
const JUMP_POLL_MS = 1000;
/** How often a closed port 22 sends rum back to libvirt for the address. */
const RELOOK_MS = 3000;
/** Boot under software emulation takes a minute or more: [advanced] ssh_timeout_s leaves room for slow hosts. */
const sshTimeoutMs = (vm: Vm) => vm.loaded.config.advanced.ssh_timeout_s * 1000;
const TIMEOUT_HINT = "; a slow host may need a longer [advanced] ";

async function poll<T>(
  phase: string,
  timeoutMs: number,
  hint: string | (() => string),
  probe: () => Promise<T | null>,
  intervalMs = POLL_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) {
      throw new RumError(`timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${phase}`, {
        hint: typeof hint === "string" ? hint : hint(),
      });
    }
    await Bun.sleep(intervalMs);
  }
}

export async function waitForAddress(vm: Vm): Promise<string> {
  const timeout = vm.loaded.config.network.ip_wait_timeout_s * 1000;
  // A bridged NIC's address comes from this host's ARP table, read without a process.
  const askNow = "network" in sshNic(vm).source ? leaseAskGate(vm.virsh.uri) : () => true;
  return step(
    "waiting for an IP address",
    () =>
      poll(
        "an IP address (DHCP lease)",
        timeout,
        "the guest did not get a lease: see `rum log --console` for its boot output",
        async () => (askNow() ? guestAddress(vm) : null),
      ),
    { phase: "address", details: (address) => ({ address }) },
  );
}

/**
 * The guest's address as last seen, looked up again (at most every
 * RELOOK_MS) whenever it stops answering: the first one found can be a lease
 * that belonged to an earlier VM of the same name (and MAC), and a guest can
 * move to another lease while it boots (a new DHCP client id once cloud-init
 * applies its network config). Waiting out a timeout on a stale one is a hang.
 */
function addressWatch(vm: Vm, first: string) {
  let ip = first;
  let looked = Date.now();
  return {
    get ip(): string {
      return ip;
    },
    /** Whether the address changed (then `ip` is the new one). */
    async moved(): Promise<boolean> {
      if (Date.now() - looked < RELOOK_MS) return false;
      looked = Date.now();
      const now = await guestAddress(vm).catch(() => null);
      if (!now || now === ip) return false;
      log.info(`the guest's address is now ${now} (was ${ip})`);
      ip = now;
      return true;
    },
  };
}

/** A target for the guest's current address if it moved away from `target`'s, else null. */
export async function retarget(vm: Vm, target: SshTarget): Promise<SshTarget | null> {
  const now = await guestAddress(vm).catch(() => null);
  if (!now || now === target.host) return null;
  log.info(`the guest's address is now ${now} (was ${target.host})`);
  await updateState(vm.stateDir, { address: now });
  return { ...target, host: now };
}

export async function waitForSsh(vm: Vm, found: string): Promise<SshTarget> {
  const keys = await vmKeys(vm);
  const jump = jumpFor(vm);
  const direct = !jump.proxyJump && !jump.jumpHost;
  const where = addressWatch(vm, found);
  // Behind a jump host the guest's network is routable only from there: a TCP probe from
  // this machine would say nothing (or, worse, reach some other host with that address).
  if (direct) {
    await step(
      `waiting for SSH port on ${found}`,
      () =>
        poll(
          "TCP port 22",
          sshTimeoutMs(vm),
          () =>
            `sshd did not start in the guest at ${where.ip}: see \`rum log --console\`${TIMEOUT_HINT}ssh_timeout_s`,
          async () => {
            if (await tcpOpen(where.ip, 22, 1000)) return true;
            await where.moved();
            return null;
          },
        ),
      { phase: "ssh-port", details: () => ({ address: where.ip }) },
    );
  }
  let target = sshTarget(vm, keys, where.ip);
  if (target.jumpHost) await checkJumpHost(target.jumpHost);
  await updateState(vm.stateDir, { address: where.ip });
  let last = "";
  const via = target.jumpHost ? ` through ${jumpLabel(target.jumpHost)}` : "";
  await step(
    `waiting for SSH login${direct ? "" : ` on ${where.ip}`}${via}`,
    () =>
      poll(
        "SSH login",
        sshTimeoutMs(vm),
        () =>
          `ssh said: ${last || "nothing"}; see \`rum log --console\`${TIMEOUT_HINT}ssh_timeout_s`,
        async () => {
          const r = await guestRun(target, ["true"], { timeoutMs: 20_000 });
          last = r.stderr.trim().split("\n").slice(-1)[0] ?? "";
          if (r.exitCode === 0) return true;
          if (direct && (await where.moved())) {
            target = sshTarget(vm, keys, where.ip);
            await updateState(vm.stateDir, { address: where.ip });
          }
          return null;
        },
        // Each try through a jump host is a new connection to it: a gentler pace.
        direct ? POLL_MS : JUMP_POLL_MS,
      ),
    { phase: "ssh-login", details: () => ({ address: target.host, user: target.user }) },
  );
  return target;
}

/** ssh's own failure (connection lost, guest rebooting), as opposed to the remote command's. */
const SSH_FAILED = 255;
const SSH_RETRIES = 5;

/**
 * Until cloud-init has finished (guest/cloud-init-wait.ts), for at most `timeoutMs` ([advanced]
 * cloud_init_timeout_s; the first boot's system provisioning runs inside it).
 * `moved` gives a new target when the guest's address changed under a dropped
 * connection (see addressWatch).
 */
export async function waitForCloudInit(
  first: SshTarget,
  timeoutMs: number,
  moved: (t: SshTarget) => Promise<SshTarget | null> = async () => null,
): Promise<SshTarget> {
  let target = first;
  await step(
    "waiting for cloud-init to finish",
    async () => {
      const deadline = Date.now() + timeoutMs;
      const wait = () =>
        guestRun(target, cloudInitWaitCommand(), {
          timeoutMs: Math.max(1000, deadline - Date.now()),
        });
      let r = await wait();
      // A dropped connection says nothing about cloud-init: ask again a few times.
      for (let i = 1; r.exitCode === SSH_FAILED && i < SSH_RETRIES && Date.now() < deadline; i++) {
        await Bun.sleep(2000);
        target = (await moved(target)) ?? target;
        r = await wait();
      }
      if (r.exitCode === 0) return;
      if (r.timedOut) {
        throw new RumError(
          `timed out after ${Math.round(timeoutMs / 1000)}s waiting for cloud-init to finish`,
          {
            hint: `see what it is doing with \`rum log --console\` or \`rum exec -- cloud-init status --long\`${TIMEOUT_HINT}cloud_init_timeout_s`,
          },
        );
      }
      if (r.exitCode === SSH_FAILED) {
        const why = r.stderr.trim().split("\n").pop() ?? "";
        throw new RumError(
          `lost the SSH connection to the guest while waiting for cloud-init: ${why}`,
          {
            hint: "check that the VM runs and its network is up (`rum status`, `rum log --console`), then run `rum up` again",
          },
        );
      }
      const detail = await guestRun(target, ["sudo", "cloud-init", "status", "--long"], {
        timeoutMs: 20_000,
      });
      throw new RumError(
        `cloud-init reported an error in the guest:\n${(detail.stdout || r.stdout).trim()}`,
        {
          hint: "read the guest's /var/log/cloud-init.log (`rum exec -- sudo cat /var/log/cloud-init.log`) or `rum log --console`",
        },
      );
    },
    { phase: "cloud-init", details: () => ({ address: target.host }) },
  );
  return target;
}
