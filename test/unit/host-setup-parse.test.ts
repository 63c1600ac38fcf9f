// rum doctor --fix: reading the host (os-release, package queries, systemctl,
// /etc/group, virsh) and the in-place libvirtd.conf edit.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "pathe";
import { parseGroups, parseNetInfo, parseUnits } from "../../src/host/setup/gather";
import { GROUP_ACCESS, setConfKeys } from "../../src/host/setup/libvirtd-conf";
import { familyOf, versionAtLeast } from "../../src/host/setup/os-release";
import { installedQuery, parseInstalled, runtimePackages } from "../../src/host/setup/packages";
import { REPO } from "../support/binary";
import { osRelease } from "../support/host-facts";

describe("os-release → package manager", () => {
  test("each fixture: ID, ID_LIKE, VERSION_ID and family", () => {
    const seen = [
      "debian-12",
      "ubuntu-24.04",
      "fedora-41",
      "arch",
      "opensuse-tumbleweed",
      "linuxmint-22",
    ]
      .map(osRelease)
      .map((os) => [os.id, os.idLike.join(" "), os.versionId, familyOf(os)]);
    expect(seen).toEqual([
      ["debian", "", "12", "apt"],
      ["ubuntu", "debian", "24.04", "apt"],
      ["fedora", "", "41", "dnf"],
      ["arch", "", "", "pacman"],
      ["opensuse-tumbleweed", "opensuse suse", "20241115", "zypper"],
      ["linuxmint", "ubuntu debian", "22", "apt"],
    ]);
  });

  test("an unknown distro is an error naming what to install by hand", () => {
    expect(() => familyOf(osRelease("alpine-3.20"))).toThrow(/Alpine Linux v3.20/);
    try {
      familyOf(osRelease("alpine-3.20"));
    } catch (e) {
      for (const tool of [
        "virsh",
        "libvirtd",
        "qemu-system-x86_64",
        "qemu-img",
        "dnsmasq",
        "OVMF",
        "openssh",
      ]) {
        expect((e as { hint: string }).hint).toContain(tool);
      }
    }
  });

  test("virtiofsd is its own package from Debian 13 / Ubuntu 23.10; derivatives are not guessed at", () => {
    const debian13 = { ...osRelease("debian-12"), versionId: "13" };
    const ubuntu2304 = { ...osRelease("ubuntu-24.04"), versionId: "23.04" };
    expect(runtimePackages("apt", debian13, false)).toContain("virtiofsd");
    expect(runtimePackages("apt", ubuntu2304, false)).not.toContain("virtiofsd");
    expect(runtimePackages("apt", osRelease("linuxmint-22"), false)).not.toContain("virtiofsd");
    expect(versionAtLeast("23.10", "23.10")).toBe(true);
    expect(versionAtLeast("", "13")).toBe(true);
  });
});

describe("emulator and firmware per guest arch", () => {
  const debian = osRelease("debian-12");
  test("x86_64: qemu-system-x86 + OVMF; aarch64: qemu-system-arm + AAVMF; both when asked", () => {
    const x86 = runtimePackages("apt", debian, false, ["x86_64"]);
    expect(x86).toContain("qemu-system-x86");
    expect(x86).toContain("ovmf");
    expect(x86).not.toContain("qemu-efi-aarch64");
    const arm = runtimePackages("apt", debian, false, ["aarch64"]);
    expect(arm).toContain("qemu-system-arm");
    expect(arm).toContain("qemu-efi-aarch64");
    expect(arm).not.toContain("ovmf");
    const both = runtimePackages("apt", debian, false, ["x86_64", "aarch64", "aarch64"]);
    expect(both.filter((p) => p === "qemu-efi-aarch64")).toHaveLength(1);
    expect(both).toContain("ovmf");
  });

  test("every family names an emulator or firmware for aarch64", () => {
    for (const [family, os, firmware] of [
      ["dnf", "fedora-41", "edk2-aarch64"],
      ["pacman", "arch", "edk2-aarch64"],
      ["zypper", "opensuse-tumbleweed", "qemu-uefi-aarch64"],
    ] as const) {
      const pkgs = runtimePackages(family, osRelease(os), true, ["aarch64"]);
      expect(pkgs).toContain(firmware);
      expect(pkgs.some((p) => p.includes("ovmf"))).toBe(false);
    }
  });
});

describe("package queries: one call, installed ones parsed out", () => {
  test("dpkg: only ii counts", () => {
    expect(installedQuery("apt", ["a", "b"])).toEqual([
      "dpkg-query",
      "-W",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format
      "--showformat=${Package}\\t${db:Status-Abbrev}\\n",
      "a",
      "b",
    ]);
    const out = "ovmf\tii \nqemu-utils\trc \nvirsh\tii \n";
    expect([...parseInstalled("apt", out, ["ovmf", "qemu-utils", "dnsmasq-base"])]).toEqual([
      "ovmf",
    ]);
  });

  test("rpm and pacman", () => {
    const rpm = "libvirt-client\npackage qemu-img is not installed\n";
    expect([...parseInstalled("dnf", rpm, ["libvirt-client", "qemu-img"])]).toEqual([
      "libvirt-client",
    ]);
    const pacman = "libvirt 1:10.9.0-1\nopenssh 9.9p1-2\n";
    expect([...parseInstalled("pacman", pacman, ["libvirt", "qemu-base", "openssh"])]).toEqual([
      "libvirt",
      "openssh",
    ]);
  });
});

describe("systemctl, /etc/group, virsh net-info", () => {
  test("systemctl show blocks", () => {
    const out =
      "Id=libvirtd.service\nLoadState=loaded\nActiveState=active\nUnitFileState=enabled\n\n" +
      "Id=virtqemud.socket\nLoadState=not-found\nActiveState=inactive\nUnitFileState=\n\n" +
      "Id=polkit.service\nLoadState=loaded\nActiveState=inactive\nUnitFileState=static\n";
    expect(parseUnits(out)).toEqual({
      "libvirtd.service": { loaded: true, enabled: true, active: true },
      "virtqemud.socket": { loaded: false, enabled: false, active: false },
      "polkit.service": { loaded: true, enabled: true, active: false },
    });
  });

  test("groups and the default network", () => {
    expect(parseGroups("root:x:0:\nlibvirt:x:106:alice,bob\n")).toEqual({
      root: { gid: 0, members: [] },
      libvirt: { gid: 106, members: ["alice", "bob"] },
    });
    expect(
      parseNetInfo("Name: default\nActive:         yes\nPersistent:     yes\nAutostart:      no\n"),
    ).toEqual({
      defined: true,
      active: true,
      autostart: false,
    });
  });
});

describe("libvirtd.conf edit", () => {
  const debian = readFileSync(join(REPO, "test/fixtures/libvirtd.conf"), "utf8");

  test("Debian's stock file: each key lands under its commented example, every other line kept", () => {
    const once = setConfKeys(debian, GROUP_ACCESS);
    expect(once.changes).toEqual([
      'unix_sock_group = "libvirt" (was unset)',
      'unix_sock_rw_perms = "0770" (was unset)',
      'auth_unix_rw = "none" (was unset)',
    ]);
    const added = once.text.split("\n").filter((l) => !debian.split("\n").includes(l));
    expect(added).toEqual([
      'unix_sock_group = "libvirt"',
      'unix_sock_rw_perms = "0770"',
      'auth_unix_rw = "none"',
    ]);
    const lines = once.text.split("\n");
    expect(lines[lines.indexOf('#unix_sock_group = "libvirt"') + 1]).toBe(
      'unix_sock_group = "libvirt"',
    );
    expect(once.text.split("\n").filter((l) => !added.includes(l))).toEqual(debian.split("\n"));
  });

  test("idempotent: a second edit changes nothing", () => {
    const once = setConfKeys(debian, GROUP_ACCESS);
    expect(setConfKeys(once.text, GROUP_ACCESS)).toEqual({ text: once.text, changes: [] });
  });

  test("an active line with another value is rewritten in place; a file without examples gets them appended", () => {
    const text = 'listen_tls = 0\nauth_unix_rw = "polkit"\nlog_level = 3\n';
    const edit = setConfKeys(text, GROUP_ACCESS);
    expect(edit.text).toBe(
      'listen_tls = 0\nauth_unix_rw = "none"\nlog_level = 3\nunix_sock_group = "libvirt"\nunix_sock_rw_perms = "0770"\n',
    );
    expect(edit.changes).toContain('auth_unix_rw = "none" (was "polkit")');
  });
});
