/** HostFacts fixtures for the setup planner: a fresh host and a fully set-up one. */
import { readFileSync } from "node:fs";
import { join } from "pathe";
import type { HostFacts } from "../../src/host/setup/facts";
import { GROUP_ACCESS, setConfKeys } from "../../src/host/setup/libvirtd-conf";
import { familyOf, parseOsRelease } from "../../src/host/setup/os-release";
import { runtimePackages } from "../../src/host/setup/packages";
import { libvirtUnits, POLKIT } from "../../src/host/setup/plan-libvirt";
import { REPO } from "./binary";

export function osRelease(name: string) {
  return parseOsRelease(readFileSync(join(REPO, "test/fixtures/os-release", name), "utf8"));
}

/** Nothing of libvirt installed; udev already set the devices right; alice ran sudo. */
export function freshHost(osName: string, systemd = true): HostFacts {
  const os = osRelease(osName);
  const family = familyOf(os);
  return {
    os,
    family,
    systemd,
    // An x86_64 host, whatever runs the tests.
    packages: runtimePackages(family, os, systemd, ["x86_64"]),
    installed: new Set(),
    units: {},
    daemons: { libvirtd: null, virtlogd: null },
    libvirtAnswers: false,
    libvirtdConf: null,
    network: null,
    groups: { root: { gid: 0, members: [] }, kvm: { gid: 36, members: [] } },
    kvm: { gid: 36, mode: 0o660 },
    tun: { gid: 0, mode: 0o666 },
    invokingUser: "alice",
  };
}

/** The same host after a successful `rum doctor --fix`. */
export function setUpHost(osName: string, systemd = true): HostFacts {
  const fresh = freshHost(osName, systemd);
  const on = { loaded: true, enabled: true, active: true };
  const units = systemd
    ? Object.fromEntries([...libvirtUnits(fresh), POLKIT].map((u) => [u, on]))
    : {};
  return {
    ...fresh,
    installed: new Set(fresh.packages),
    units,
    daemons: systemd ? fresh.daemons : { libvirtd: 100, virtlogd: 99 },
    libvirtAnswers: true,
    libvirtdConf: systemd ? "" : setConfKeys("# libvirtd.conf\n", GROUP_ACCESS).text,
    network: { defined: true, active: true, autostart: true },
    groups: {
      ...fresh.groups,
      kvm: { gid: 36, members: ["alice"] },
      libvirt: { gid: 970, members: ["alice"] },
    },
  };
}
