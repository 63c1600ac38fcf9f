/**
 * Pure planning of the libvirt daemons and who may use their socket. With
 * systemd: enable the units the distro ships (monolithic libvirtd or the
 * modular virtqemud family) and make sure polkit runs, since polkit is what
 * admits the `libvirt` group there. Without systemd: set the socket's group
 * and mode in libvirtd.conf and start virtlogd and libvirtd by hand.
 */
import type { HostFacts } from "./facts";
import { GROUP_ACCESS, LIBVIRTD_CONF, setConfKeys } from "./libvirtd-conf";
import { type Action, type Step, VIRSH } from "./steps";

const MONOLITHIC = ["libvirtd.service"];
const MODULAR = [
  "virtqemud.socket",
  "virtnetworkd.socket",
  "virtstoraged.socket",
  "virtlogd.socket",
];
export const POLKIT = "polkit.service";
/** Every unit facts.ts asks systemd about. */
export const UNITS = [...MONOLITHIC, ...MODULAR, POLKIT];

const LIBVIRTD = "/usr/sbin/libvirtd";
const VIRTLOGD = "/usr/sbin/virtlogd";
const WAIT: Action = { kind: "wait", argv: [...VIRSH, "version"] };

/**
 * Whichever family is already in use wins; else the distro's default when its
 * unit files are present; else whatever is installed. With no unit files at
 * all (a dry run before packages) the distro default is shown.
 */
export function libvirtUnits(f: HostFacts): string[] {
  const unit = (u: string) => f.units[u];
  const inUse = (u: string) => unit(u)?.enabled || unit(u)?.active;
  if (inUse("libvirtd.service")) return MONOLITHIC;
  if (inUse("virtqemud.socket")) return MODULAR;
  const modularDefault = f.family === "dnf" || f.family === "zypper";
  const hasModular = Boolean(unit("virtqemud.socket")?.loaded);
  const hasMonolithic = Boolean(unit("libvirtd.service")?.loaded);
  if (hasModular && (modularDefault || !hasMonolithic)) return MODULAR;
  if (hasMonolithic) return MONOLITHIC;
  return modularDefault ? MODULAR : MONOLITHIC;
}

function systemdSteps(f: HostFacts): Step[] {
  const units = libvirtUnits(f);
  const off = units.filter((u) => !(f.units[u]?.enabled && f.units[u]?.active));
  const libvirt: Step = {
    id: "libvirt",
    title: off.length ? `enable and start ${off.join(" ")}` : `libvirt runs (${units.join(" ")})`,
    actions: off.length
      ? [{ kind: "run", argv: ["systemctl", "enable", "--now", ...off] }, WAIT]
      : [],
    after: ["packages"],
    byHand: `systemctl enable --now ${units.join(" ")}; journalctl -u ${units[0]} says why it did not start`,
  };
  const polkitUp = f.units[POLKIT]?.active;
  const polkit: Step = {
    id: "polkit",
    title: polkitUp
      ? "polkit runs (it admits the libvirt group)"
      : "start polkit (it admits the libvirt group)",
    actions: polkitUp ? [] : [{ kind: "run", argv: ["systemctl", "start", POLKIT] }],
    after: ["packages"],
    byHand: `systemctl start ${POLKIT}`,
  };
  return [libvirt, polkit];
}

function socketAccessStep(f: HostFacts): Step {
  const edit = setConfKeys(f.libvirtdConf ?? "", GROUP_ACCESS);
  const actions: Action[] = [];
  if (!f.groups.libvirt) actions.push({ kind: "run", argv: ["groupadd", "--system", "libvirt"] });
  if (edit.changes.length) {
    actions.push({ kind: "edit", path: LIBVIRTD_CONF, settings: GROUP_ACCESS });
    // A running libvirtd only reads its config at start: restart it now.
    const pid = f.daemons.libvirtd;
    if (pid !== null) {
      actions.push(
        { kind: "stop", pid, name: "libvirtd" },
        { kind: "run", argv: [LIBVIRTD, "-d"] },
        WAIT,
      );
    }
  }
  const settings = GROUP_ACCESS.map(([k, v]) => `${k} = ${v}`).join(", ");
  return {
    id: "socket-access",
    title: actions.length
      ? `let the libvirt group use the libvirt socket: ${edit.changes.join("; ") || "group libvirt"}`
      : "the libvirt group may use the libvirt socket (libvirtd.conf)",
    actions,
    after: ["packages"],
    byHand: `set ${settings} in ${LIBVIRTD_CONF}, then restart libvirtd`,
  };
}

function daemonStep(f: HostFacts): Step {
  const actions: Action[] = [];
  // virtlogd first: QEMU's serial log and stdio go through it.
  if (f.daemons.virtlogd === null) actions.push({ kind: "run", argv: [VIRTLOGD, "-d"] });
  if (f.daemons.libvirtd === null) actions.push({ kind: "run", argv: [LIBVIRTD, "-d"] });
  const started = actions.map((a) => (a.kind === "run" ? a.argv[0]?.split("/").pop() : ""));
  if (actions.length || f.libvirtAnswers === false) actions.push(WAIT);
  return {
    id: "libvirt",
    title: started.length
      ? `start ${started.join(" and ")}, wait until libvirt answers`
      : actions.length
        ? "wait until libvirt answers"
        : "libvirtd and virtlogd run",
    actions,
    after: ["packages"],
    byHand: `${VIRTLOGD} -d; ${LIBVIRTD} -d (its log: journal or /var/log/libvirt/libvirtd.log)`,
  };
}

export function planLibvirt(f: HostFacts): Step[] {
  return f.systemd ? systemdSteps(f) : [socketAccessStep(f), daemonStep(f)];
}
