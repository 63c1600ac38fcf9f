/**
 * Pure planning of what is outside libvirt: the kvm group, the device nodes'
 * modes (nobody sets them where udev does not run: containers, minimal VMs),
 * the invoking user's groups, and libvirt's `default` network.
 */
import type { DeviceState, HostFacts } from "./facts";
import { type Action, type Step, VIRSH } from "./steps";

const KVM = "/dev/kvm";
const TUN = "/dev/net/tun";
const DEFAULT_XML = "/usr/share/libvirt/networks/default.xml";

const hasMode = (d: DeviceState, mode: number) => (d.mode & 0o777) === mode;
const run = (...argv: string[]): Action => ({ kind: "run", argv });

function kvmGroupStep(f: HostFacts): Step {
  const missing = !f.groups.kvm;
  return {
    id: "kvm-group",
    title: missing ? "create the kvm group" : "the kvm group exists",
    actions: missing ? [run("groupadd", "--system", "kvm")] : [],
    after: [],
    byHand: "groupadd --system kvm",
  };
}

function devicesStep(f: HostFacts): Step {
  const actions: Action[] = [];
  const kvmGid = f.groups.kvm?.gid;
  // Without a kvm group yet (dry run), its gid cannot match: plan the chown.
  if (f.kvm && (f.kvm.gid !== kvmGid || !hasMode(f.kvm, 0o660))) {
    actions.push(run("chown", "root:kvm", KVM), run("chmod", "0660", KVM));
  }
  if (f.tun && !hasMode(f.tun, 0o666)) actions.push(run("chmod", "0666", TUN));
  const found = [f.kvm ? `${KVM} root:kvm 0660` : `no ${KVM}`, f.tun ? `${TUN} 0666` : `no ${TUN}`];
  return {
    id: "devices",
    title: actions.length
      ? `set device access (${found.join(", ")})`
      : `device access is right (${found.join(", ")})`,
    actions,
    after: ["kvm-group"],
    byHand: `chown root:kvm ${KVM} && chmod 0660 ${KVM}; chmod 0666 ${TUN}`,
  };
}

const RELOGIN = "log in again (or run `newgrp libvirt`) for the new groups to apply";

function userStep(f: HostFacts): Step | null {
  const user = f.invokingUser;
  if (!user) return null;
  const missing = ["libvirt", "kvm"].filter((g) => !f.groups[g]?.members.includes(user));
  return {
    id: "user",
    title: missing.length
      ? `add ${user} to ${missing.join(", ")}`
      : `${user} is in libvirt and kvm`,
    actions: missing.length ? [run("usermod", "-aG", missing.join(","), user)] : [],
    after: ["packages", "kvm-group", ...(f.systemd ? [] : ["socket-access"])],
    byHand: `usermod -aG libvirt,kvm ${user}`,
    note: `${user}: ${RELOGIN}`,
  };
}

/** Said when root ran rum directly: there is no user to add. */
export const NO_USER_NOTE =
  "run as root without sudo: no user was added to the libvirt and kvm groups; add one with `usermod -aG libvirt,kvm NAME`, then that user must log in again";

export function planHost(f: HostFacts): Step[] {
  const user = userStep(f);
  return [kvmGroupStep(f), devicesStep(f), ...(user ? [user] : [])];
}

/** The last stage: needs libvirt up. A network libvirt could not report is planned from scratch. */
const commandOfNet = (a: Action) => (a.kind === "run" ? (a.argv[3] ?? "") : "");

export function planNetwork(f: HostFacts): Step {
  const net = f.network ?? { defined: false, active: false, autostart: false };
  const actions: Action[] = [];
  if (!net.defined) actions.push(run(...VIRSH, "net-define", DEFAULT_XML));
  if (!net.active) actions.push(run(...VIRSH, "net-start", "default"));
  if (!net.autostart) actions.push(run(...VIRSH, "net-autostart", "default"));
  return {
    id: "network",
    title: actions.length
      ? `libvirt network "default": ${actions.map((a) => commandOfNet(a)).join(", ")}${f.network ? "" : " (libvirt could not be asked: planned from scratch)"}`
      : 'libvirt network "default" is active and autostarted',
    actions,
    after: ["libvirt"],
    byHand: `virsh net-define ${DEFAULT_XML}; virsh net-start default; virsh net-autostart default`,
  };
}
