/**
 * What the planner decides from: everything about the host that a step
 * depends on, read once per stage. Reading never changes anything, so it is
 * also what `--dry-run` runs as a normal user.
 */
import type { Family, OsRelease } from "./os-release";

export interface UnitState {
  loaded: boolean;
  enabled: boolean;
  active: boolean;
}

export interface NetState {
  defined: boolean;
  active: boolean;
  autostart: boolean;
}

export interface DeviceState {
  gid: number;
  /** Permission bits only (e.g. 0o660). */
  mode: number;
}

export interface HostFacts {
  os: OsRelease;
  family: Family;
  /** PID 1 is systemd: services are units; otherwise rum starts the daemons itself. */
  systemd: boolean;
  /** The runtime package set for this host (packages.ts). */
  packages: string[];
  installed: Set<string>;
  /** systemd only: the libvirt and polkit units, by name. */
  units: Record<string, UnitState>;
  /** Without systemd: live daemon pids from their pidfiles (null = not running). */
  daemons: { libvirtd: number | null; virtlogd: number | null };
  /** `virsh -c qemu:///system version` succeeds; null: refused to a normal user, unknown. */
  libvirtAnswers: boolean | null;
  /** /etc/libvirt/libvirtd.conf, null when absent. */
  libvirtdConf: string | null;
  /** The `default` network; null when libvirt could not be asked. */
  network: NetState | null;
  /** /etc/group: name → gid and supplementary members. */
  groups: Record<string, { gid: number; members: string[] }>;
  kvm: DeviceState | null;
  tun: DeviceState | null;
  /** The user to add to the groups: sudo's caller, or a normal user's own name; never root. */
  invokingUser: string | null;
}
