// rum doctor --fix: the dry-run plan of a fresh host per distro, command by
// command; a set-up host plans nothing; staging re-plans from new facts.
import { describe, expect, test } from "bun:test";
import type { HostFacts } from "../../src/host/setup/facts";
import { planAll, planStage } from "../../src/host/setup/plan";
import { commandOf, type Step } from "../../src/host/setup/steps";
import { freshHost, setUpHost } from "../support/host-facts";

const commands = (steps: Step[]) => steps.flatMap((s) => s.actions.map(commandOf));
const V = ["virsh", "-c", "qemu:///system"];
const network = [
  [...V, "net-define", "/usr/share/libvirt/networks/default.xml"],
  [...V, "net-start", "default"],
  [...V, "net-autostart", "default"],
];
const user = ["usermod", "-aG", "libvirt,kvm", "alice"];
const apt = (pkgs: string[]) => [
  ["apt-get", "update"],
  [
    ...["env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y"],
    ...["--no-install-recommends", ...pkgs],
  ],
];
const DEBIAN_12 = [
  ...["libvirt-daemon-system", "libvirt-clients", "qemu-utils"],
  ...["dnsmasq-base", "iptables", "nftables", "openssh-client", "qemu-system-x86", "ovmf"],
];
const MODULAR = [
  "virtqemud.socket",
  "virtnetworkd.socket",
  "virtstoraged.socket",
  "virtlogd.socket",
];
const systemdTail = (units: string[]) => [
  ["systemctl", "enable", "--now", ...units],
  [...V, "version"],
  ["systemctl", "start", "polkit.service"],
  user,
  ...network,
];

describe("dry-run plan of a fresh host (nothing installed)", () => {
  test("Debian 12 with systemd: apt, monolithic libvirtd, polkitd", () => {
    expect(commands(planAll(freshHost("debian-12")))).toEqual([
      ...apt([...DEBIAN_12, "polkitd"]),
      ...systemdTail(["libvirtd.service"]),
    ]);
  });

  test("Debian 12 without systemd (containers, this CI host): libvirtd.conf group access, daemons by hand", () => {
    const plan = planAll(freshHost("debian-12", false));
    expect(plan.map((s) => s.id)).toEqual([
      "packages",
      "socket-access",
      "libvirt",
      "kvm-group",
      "devices",
      "user",
      "network",
    ]);
    expect(commands(plan)).toEqual([
      ...apt(DEBIAN_12),
      [
        "edit",
        "/etc/libvirt/libvirtd.conf",
        'unix_sock_group = "libvirt"',
        'unix_sock_rw_perms = "0770"',
        'auth_unix_rw = "none"',
      ],
      ["/usr/sbin/virtlogd", "-d"],
      ["/usr/sbin/libvirtd", "-d"],
      [...V, "version"],
      user,
      ...network,
    ]);
  });

  test("Ubuntu 24.04: virtiofsd is its own package", () => {
    expect(commands(planAll(freshHost("ubuntu-24.04")))).toEqual([
      ...apt([...DEBIAN_12, "virtiofsd", "polkitd"]),
      ...systemdTail(["libvirtd.service"]),
    ]);
  });

  test("Fedora 41: dnf, modular daemons", () => {
    expect(commands(planAll(freshHost("fedora-41")))).toEqual([
      [
        ...["dnf", "install", "-y", "libvirt-daemon-kvm", "libvirt-daemon-config-network"],
        ...["libvirt-client", "qemu-img", "dnsmasq", "openssh-clients", "virtiofsd"],
        ...["edk2-ovmf", "polkit"],
      ],
      ...systemdTail(MODULAR),
    ]);
  });

  test("Arch: pacman, monolithic libvirtd", () => {
    expect(commands(planAll(freshHost("arch")))).toEqual([
      [
        ...["pacman", "-S", "--needed", "--noconfirm", "libvirt", "qemu-base", "dnsmasq"],
        ...["openssh", "virtiofsd", "edk2-ovmf", "polkit"],
      ],
      ...systemdTail(["libvirtd.service"]),
    ]);
  });

  test("openSUSE Tumbleweed: zypper, modular daemons", () => {
    expect(commands(planAll(freshHost("opensuse-tumbleweed")))).toEqual([
      [
        ...["zypper", "--non-interactive", "install", "libvirt-daemon-qemu"],
        ...["libvirt-daemon-config-network", "libvirt-client", "qemu-tools", "dnsmasq"],
        ...["openssh-clients", "virtiofsd", "qemu-x86", "qemu-ovmf-x86_64", "polkit"],
      ],
      ...systemdTail(MODULAR),
    ]);
  });
});

describe("a set-up host and partial states", () => {
  test.each(["debian-12", "ubuntu-24.04", "fedora-41", "arch", "opensuse-tumbleweed"])(
    "%s, fully set up: every step is already true",
    (os) => {
      for (const systemd of [true, false]) {
        const plan = planAll(setUpHost(os, systemd));
        expect(commands(plan)).toEqual([]);
        expect(plan.every((s) => s.title.length > 0)).toBe(true);
      }
    },
  );

  test("a unit family already in use wins over the distro default", () => {
    const f: HostFacts = {
      ...setUpHost("fedora-41"),
      units: { "libvirtd.service": { loaded: true, enabled: true, active: false } },
    };
    expect(commands(planStage(1, f))[0]).toEqual([
      "systemctl",
      "enable",
      "--now",
      "libvirtd.service",
    ]);
  });

  test("only missing packages are installed; a running libvirtd is restarted after the edit", () => {
    const set = setUpHost("debian-12", false);
    const f: HostFacts = {
      ...set,
      installed: new Set([...set.installed].filter((p) => p !== "ovmf")),
      libvirtdConf: '#auth_unix_rw = "polkit"\n',
    };
    expect(commands(planAll(f))).toEqual([
      ...apt(["ovmf"]),
      [
        "edit",
        "/etc/libvirt/libvirtd.conf",
        ...['unix_sock_group = "libvirt"', 'unix_sock_rw_perms = "0770"', 'auth_unix_rw = "none"'],
      ],
      ["kill", "100"],
      ["/usr/sbin/libvirtd", "-d"],
      [...V, "version"],
    ]);
  });

  test("devices and groups: kvm group created, /dev/kvm and /dev/net/tun modes set, user added to what is missing", () => {
    const set = setUpHost("debian-12");
    const f: HostFacts = {
      ...set,
      groups: { libvirt: { gid: 970, members: ["alice"] } },
      kvm: { gid: 0, mode: 0o600 },
      tun: { gid: 0, mode: 0o600 },
    };
    expect(commands(planStage(1, f))).toEqual([
      ["groupadd", "--system", "kvm"],
      ["chown", "root:kvm", "/dev/kvm"],
      ["chmod", "0660", "/dev/kvm"],
      ["chmod", "0666", "/dev/net/tun"],
      ["usermod", "-aG", "kvm", "alice"],
    ]);
  });

  test("root without sudo: no user step; an inactive network is only started", () => {
    const f: HostFacts = {
      ...setUpHost("arch"),
      invokingUser: null,
      network: { defined: true, active: false, autostart: true },
    };
    expect(planStage(1, f).map((s) => s.id)).not.toContain("user");
    expect(commands(planStage(2, f))).toEqual([[...V, "net-start", "default"]]);
  });
});
