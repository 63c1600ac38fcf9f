/**
 * Read the host into HostFacts. Nothing here changes anything, and everything
 * that spawns a process is one call (the package query, `systemctl show`,
 * `virsh version`, `virsh net-info`), so gathering is quick enough to redo
 * before every stage.
 */

import { readFile, stat } from "node:fs/promises";
import { userInfo } from "node:os";
import type { Arch } from "../../config/arch";
import { run } from "../proc";
import type { DeviceState, HostFacts, NetState, UnitState } from "./facts";
import { LIBVIRTD_CONF } from "./libvirtd-conf";
import { familyOf, parseOsRelease } from "./os-release";
import { installedQuery, parseInstalled, runtimePackages } from "./packages";
import { UNITS } from "./plan-libvirt";
import { VIRSH } from "./steps";

const read = (path: string) => readFile(path, "utf8").catch(() => null);

async function isSystemd(): Promise<boolean> {
  return (await read("/proc/1/comm"))?.trim() === "systemd";
}

/** /etc/group → name → gid and members. */
export function parseGroups(text: string): HostFacts["groups"] {
  const groups: HostFacts["groups"] = {};
  for (const line of text.split("\n")) {
    const [name, , gid, members = ""] = line.split(":");
    if (!name || gid === undefined) continue;
    groups[name] = { gid: Number(gid), members: members.split(",").filter(Boolean) };
  }
  return groups;
}

/** `systemctl show -p …` prints one block per unit, blank-line separated. */
export function parseUnits(stdout: string): Record<string, UnitState> {
  const units: Record<string, UnitState> = {};
  for (const block of stdout.split(/\n\s*\n/)) {
    const p = Object.fromEntries(block.split("\n").map((l) => l.split("=", 2) as [string, string]));
    if (!p.Id) continue;
    units[p.Id] = {
      loaded: p.LoadState === "loaded",
      enabled: ["enabled", "enabled-runtime", "static", "indirect"].includes(p.UnitFileState ?? ""),
      active: p.ActiveState === "active",
    };
  }
  return units;
}

export function parseNetInfo(stdout: string): NetState {
  return {
    defined: true,
    active: /^Active:\s*yes/m.test(stdout),
    autostart: /^Autostart:\s*yes/m.test(stdout),
  };
}

/** A daemon's pid when its pidfile names a live process of that name. */
async function livePid(name: string): Promise<number | null> {
  const pid = Number((await read(`/run/${name}.pid`))?.trim());
  if (!Number.isInteger(pid) || pid <= 0) return null;
  const comm = (await read(`/proc/${pid}/comm`))?.trim();
  return comm === name ? pid : null;
}

async function device(path: string): Promise<DeviceState | null> {
  const s = await stat(path).catch(() => null);
  return s ? { gid: s.gid, mode: s.mode & 0o777 } : null;
}

const quiet = { allowFailure: true, timeoutMs: 15_000 } as const;

async function libvirtState(
  root: boolean,
): Promise<{ answers: boolean | null; network: NetState | null }> {
  if (!Bun.which("virsh")) return { answers: false, network: null };
  const version = await run([...VIRSH, "version"], quiet);
  // A normal user (a dry run) may simply be refused: that says nothing about the daemon.
  if (version.exitCode !== 0) return { answers: root ? false : null, network: null };
  const info = await run([...VIRSH, "net-info", "default"], quiet);
  const network =
    info.exitCode === 0
      ? parseNetInfo(info.stdout)
      : { defined: false, active: false, autostart: false };
  return { answers: true, network };
}

async function unitStates(systemd: boolean): Promise<Record<string, UnitState>> {
  if (!systemd) return {};
  const r = await run(
    ["systemctl", "show", "-p", "Id,LoadState,UnitFileState,ActiveState", ...UNITS],
    quiet,
  );
  return parseUnits(r.stdout);
}

export async function gatherFacts(
  env: Record<string, string | undefined> = process.env,
  arches?: readonly Arch[],
): Promise<HostFacts> {
  const os = parseOsRelease(
    (await read("/etc/os-release")) ?? (await read("/usr/lib/os-release")) ?? "",
  );
  const family = familyOf(os);
  const systemd = await isSystemd();
  const root = process.getuid?.() === 0;
  const packages = runtimePackages(family, os, systemd, arches);
  const [query, units, libvirt, conf, groups, kvm, tun, libvirtd, virtlogd] = await Promise.all([
    run(installedQuery(family, packages), quiet).catch(() => null),
    unitStates(systemd),
    libvirtState(root),
    read(LIBVIRTD_CONF),
    read("/etc/group"),
    device("/dev/kvm"),
    device("/dev/net/tun"),
    livePid("libvirtd"),
    livePid("virtlogd"),
  ]);
  // Under sudo: who ran it. As a normal user (dry run): that user. As root itself: nobody.
  const user = root ? env.SUDO_USER : userInfo().username;
  return {
    os,
    family,
    systemd,
    packages,
    installed: parseInstalled(family, query?.stdout ?? "", packages),
    units,
    daemons: { libvirtd, virtlogd },
    libvirtAnswers: libvirt.answers,
    libvirtdConf: conf,
    network: libvirt.network,
    groups: parseGroups(groups ?? ""),
    kvm,
    tun,
    invokingUser: user && user !== "root" ? user : null,
  };
}
