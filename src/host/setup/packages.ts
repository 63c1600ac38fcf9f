/**
 * The packages that make a host able to run rum VMs, per package manager, and
 * the argv that asks which of them are installed (one call) and installs the
 * rest. Only runtime needs: no image builders, no test tools.
 */
import { type Arch, hostArch } from "../../config/arch";
import { type Family, type OsRelease, versionAtLeast } from "./os-release";

/**
 * Per family, what runs guests of each arch besides the common set: the system
 * emulator where it is its own package, and the UEFI firmware (OVMF, AAVMF).
 * On dnf the host's own QEMU comes with libvirt-daemon-kvm; pacman's
 * qemu-base carries qemu-system-x86.
 */
const ARCH_PACKAGES: Record<Family, Record<Arch, string[]>> = {
  apt: { x86_64: ["qemu-system-x86", "ovmf"], aarch64: ["qemu-system-arm", "qemu-efi-aarch64"] },
  dnf: { x86_64: ["edk2-ovmf"], aarch64: ["qemu-system-aarch64", "edk2-aarch64"] },
  pacman: { x86_64: ["edk2-ovmf"], aarch64: ["qemu-system-aarch64", "edk2-aarch64"] },
  zypper: {
    x86_64: ["qemu-x86", "qemu-ovmf-x86_64"],
    aarch64: ["qemu-arm", "qemu-uefi-aarch64"],
  },
};

/**
 * Debian ≥ 13 and Ubuntu ≥ 23.10 ship virtiofsd as its own package; older
 * releases have it inside qemu-system-common. Derivatives (ID_LIKE only) are
 * not guessed at: a missing virtiofsd only costs speed (9p instead).
 */
function aptVirtiofsd(os: OsRelease): string[] {
  if (os.id === "debian" && versionAtLeast(os.versionId, "13")) return ["virtiofsd"];
  if (os.id === "ubuntu" && versionAtLeast(os.versionId, "23.10")) return ["virtiofsd"];
  return [];
}

/**
 * polkit only where systemd runs: it is what grants the `libvirt` group
 * access to the system socket there. Without systemd there is no D-Bus for
 * it, and libvirtd.conf's socket group does that job instead. `arches`: the
 * guest arches to run, the host's own by default (an aarch64 rum.toml in
 * reach adds aarch64).
 */
export function runtimePackages(
  family: Family,
  os: OsRelease,
  systemd: boolean,
  arches: readonly Arch[] = [hostArch()],
): string[] {
  const emulators = [...new Set(arches)].flatMap((a) => ARCH_PACKAGES[family][a]);
  switch (family) {
    case "apt":
      return [
        ...["libvirt-daemon-system", "libvirt-clients", "qemu-utils"],
        ...["dnsmasq-base", "iptables", "nftables", "openssh-client"],
        ...emulators,
        ...aptVirtiofsd(os),
        ...(systemd ? ["polkitd"] : []),
      ];
    case "dnf":
      return [
        ...["libvirt-daemon-kvm", "libvirt-daemon-config-network", "libvirt-client", "qemu-img"],
        ...["dnsmasq", "openssh-clients", "virtiofsd"],
        ...emulators,
        ...(systemd ? ["polkit"] : []),
      ];
    case "pacman":
      return [
        ...["libvirt", "qemu-base", "dnsmasq", "openssh", "virtiofsd"],
        ...emulators,
        ...(systemd ? ["polkit"] : []),
      ];
    case "zypper":
      return [
        ...["libvirt-daemon-qemu", "libvirt-daemon-config-network", "libvirt-client"],
        ...["qemu-tools", "dnsmasq", "openssh-clients", "virtiofsd"],
        ...emulators,
        ...(systemd ? ["polkit"] : []),
      ];
  }
}

/** One call that lists which of `pkgs` are installed; its exit code means nothing. */
export function installedQuery(family: Family, pkgs: string[]): string[] {
  switch (family) {
    case "apt":
      // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own ${field} syntax
      return ["dpkg-query", "-W", "--showformat=${Package}\\t${db:Status-Abbrev}\\n", ...pkgs];
    case "dnf":
    case "zypper":
      return ["rpm", "-q", "--qf", "%{NAME}\\n", ...pkgs];
    case "pacman":
      return ["pacman", "-Q", ...pkgs];
  }
}

/** The names in `pkgs` that the query's stdout reports installed. */
export function parseInstalled(family: Family, stdout: string, pkgs: string[]): Set<string> {
  const wanted = new Set(pkgs);
  const found = new Set<string>();
  for (const line of stdout.split("\n")) {
    const [name = "", rest = ""] = line.split(/[\t ]+/, 2);
    if (!wanted.has(name)) continue;
    // dpkg keeps removed-but-configured packages ("rc"): only "ii" is installed.
    if (family === "apt" && !rest.startsWith("ii")) continue;
    found.add(name);
  }
  return found;
}

/** The commands that install `missing`, non-interactively. */
export function installCommands(family: Family, missing: string[]): string[][] {
  switch (family) {
    case "apt":
      return [
        ["apt-get", "update"],
        ["env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y"].concat([
          "--no-install-recommends",
          ...missing,
        ]),
      ];
    case "dnf":
      return [["dnf", "install", "-y", ...missing]];
    case "pacman":
      return [["pacman", "-S", "--needed", "--noconfirm", ...missing]];
    case "zypper":
      return [["zypper", "--non-interactive", "install", ...missing]];
  }
}
