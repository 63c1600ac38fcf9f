/**
 * Which package manager a host has, from /etc/os-release. ID decides first;
 * ID_LIKE catches derivatives (Mint, Rocky, Manjaro, …) whose ID rum has
 * never heard of but whose packages are their parent's.
 */
import { RumError } from "../../errors";

export interface OsRelease {
  id: string;
  idLike: string[];
  /** Empty on rolling releases (Arch, Tumbleweed, Debian sid). */
  versionId: string;
  prettyName: string;
}

export type Family = "apt" | "dnf" | "pacman" | "zypper";

/** What a host needs, for the error on a distro rum cannot set up itself. */
const BY_HAND =
  "virsh, libvirtd (with its network driver), qemu-system-x86_64, qemu-img, dnsmasq, OVMF (edk2) and an openssh client";

/** os-release is shell-style KEY=value with optional quotes (os-release(5)). */
export function parseOsRelease(text: string): OsRelease {
  const vars: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!m?.[1]) continue;
    const raw = (m[2] ?? "").trim();
    const quoted = /^(["'])(.*)\1$/.exec(raw);
    vars[m[1]] = quoted ? (quoted[2] ?? "").replace(/\\(["'$`\\])/g, "$1") : raw;
  }
  return {
    id: (vars.ID ?? "linux").toLowerCase(),
    idLike: (vars.ID_LIKE ?? "").toLowerCase().split(/\s+/).filter(Boolean),
    versionId: vars.VERSION_ID ?? "",
    prettyName: vars.PRETTY_NAME ?? vars.NAME ?? vars.ID ?? "unknown Linux",
  };
}

const FAMILIES: [Family, (id: string) => boolean][] = [
  ["apt", (id) => id === "debian" || id === "ubuntu"],
  ["dnf", (id) => ["fedora", "rhel", "centos", "rocky", "almalinux"].includes(id)],
  ["pacman", (id) => id === "arch"],
  ["zypper", (id) => id.startsWith("opensuse") || id === "sles" || id === "suse"],
];

export function familyOf(os: OsRelease): Family {
  for (const id of [os.id, ...os.idLike]) {
    const hit = FAMILIES.find(([, match]) => match(id));
    if (hit) return hit[0];
  }
  throw new RumError(`rum doctor --fix does not know how to install packages on ${os.prettyName}`, {
    hint: `install by hand: ${BY_HAND}; start libvirtd and the libvirt network "default", then run \`rum doctor\``,
  });
}

/** `23.10` ≥ `23.4`: numeric per dotted part. An empty version (rolling) is newest. */
export function versionAtLeast(version: string, min: string): boolean {
  if (!version) return true;
  const a = version.split(".").map(Number);
  const b = min.split(".").map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}
