/**
 * The shorthand registry: `[image] base = "debian-12"` instead of a URL.
 * Each entry names the distribution's own published checksum list, so an image
 * fetched by shorthand is verified without the user pinning a digest.
 * Checksum lists are not signature-checked (that would need gpg and each
 * distribution's keyring); they come over HTTPS from the same host as the image.
 * aarch64 images sit beside the x86_64 ones on the same servers, named the
 * same way, and are listed in the same checksum files (Fedora's and the
 * RHEL rebuilds' lists are per arch).
 */
import type { Arch } from "../config/arch";

/** How a checksum list is written; the parser accepts every style, this documents the source. */
export type ChecksumFormat =
  | "sha256sums" // `<hex>  <file>` or `<hex> *<file>` (sha256sum output)
  | "sha512sums" // the same with SHA-512 digests
  | "bsd"; // `SHA256 (<file>) = <hex>` (BSD/`sha256sum --tag`, Fedora/CentOS/Rocky)

/** One image file of a release and the checksum list that covers it. */
export interface ArchImage {
  url: string;
  checksumUrl: string;
}

export interface RegistryEntry extends ArchImage {
  name: string;
  aliases: string[];
  /** `url` and `checksumUrl` are the x86_64 image; this the same release's aarch64 one, if published. */
  aarch64?: ArchImage;
  checksumFormat: ChecksumFormat;
  description: string;
}

/** A registry image for one arch: what a shorthand or a pasted registry URL resolves to. */
export interface RegistryImage extends ArchImage {
  name: string;
  arch: Arch;
}

const UBUNTU = "https://cloud-images.ubuntu.com/releases";
const DEBIAN = "https://cloud.debian.org/images/cloud";
const FEDORA = "https://download.fedoraproject.org/pub/fedora/linux/releases";
const ALPINE = "https://dl-cdn.alpinelinux.org/alpine/v3.22/releases/cloud";
const ARCH = "https://geo.mirror.pkgbuild.com/images/latest";
const LEAP = "https://download.opensuse.org/distribution/leap/15.6/appliances";

const entries: RegistryEntry[] = [
  {
    name: "ubuntu-24.04",
    aliases: ["ubuntu", "noble"],
    url: `${UBUNTU}/noble/release/ubuntu-24.04-server-cloudimg-amd64.img`,
    checksumUrl: `${UBUNTU}/noble/release/SHA256SUMS`,
    aarch64: {
      url: `${UBUNTU}/noble/release/ubuntu-24.04-server-cloudimg-arm64.img`,
      checksumUrl: `${UBUNTU}/noble/release/SHA256SUMS`,
    },
    checksumFormat: "sha256sums",
    description: "Ubuntu 24.04 LTS (Noble Numbat) server cloud image",
  },
  {
    name: "ubuntu-22.04",
    aliases: ["jammy"],
    url: `${UBUNTU}/jammy/release/ubuntu-22.04-server-cloudimg-amd64.img`,
    checksumUrl: `${UBUNTU}/jammy/release/SHA256SUMS`,
    aarch64: {
      url: `${UBUNTU}/jammy/release/ubuntu-22.04-server-cloudimg-arm64.img`,
      checksumUrl: `${UBUNTU}/jammy/release/SHA256SUMS`,
    },
    checksumFormat: "sha256sums",
    description: "Ubuntu 22.04 LTS (Jammy Jellyfish) server cloud image",
  },
  // Debian's "generic" images, not "genericcloud": the genericcloud kernel has
  // no AHCI driver, so it cannot see a seed ISO attached as a SATA CD-ROM.
  {
    name: "debian-13",
    aliases: ["debian", "trixie"],
    url: `${DEBIAN}/trixie/latest/debian-13-generic-amd64.qcow2`,
    checksumUrl: `${DEBIAN}/trixie/latest/SHA512SUMS`,
    aarch64: {
      url: `${DEBIAN}/trixie/latest/debian-13-generic-arm64.qcow2`,
      checksumUrl: `${DEBIAN}/trixie/latest/SHA512SUMS`,
    },
    checksumFormat: "sha512sums",
    description: "Debian 13 (trixie) generic cloud image",
  },
  {
    name: "debian-12",
    aliases: ["bookworm"],
    url: `${DEBIAN}/bookworm/latest/debian-12-generic-amd64.qcow2`,
    checksumUrl: `${DEBIAN}/bookworm/latest/SHA512SUMS`,
    aarch64: {
      url: `${DEBIAN}/bookworm/latest/debian-12-generic-arm64.qcow2`,
      checksumUrl: `${DEBIAN}/bookworm/latest/SHA512SUMS`,
    },
    checksumFormat: "sha512sums",
    description: "Debian 12 (bookworm) generic cloud image",
  },
  {
    name: "fedora-43",
    aliases: ["fedora"],
    url: `${FEDORA}/43/Cloud/x86_64/images/Fedora-Cloud-Base-Generic-43-1.6.x86_64.qcow2`,
    checksumUrl: `${FEDORA}/43/Cloud/x86_64/images/Fedora-Cloud-43-1.6-x86_64-CHECKSUM`,
    aarch64: {
      url: `${FEDORA}/43/Cloud/aarch64/images/Fedora-Cloud-Base-Generic-43-1.6.aarch64.qcow2`,
      checksumUrl: `${FEDORA}/43/Cloud/aarch64/images/Fedora-Cloud-43-1.6-aarch64-CHECKSUM`,
    },
    checksumFormat: "bsd",
    description: "Fedora 43 Cloud Base (Generic)",
  },
  {
    name: "fedora-42",
    aliases: [],
    url: `${FEDORA}/42/Cloud/x86_64/images/Fedora-Cloud-Base-Generic-42-1.1.x86_64.qcow2`,
    checksumUrl: `${FEDORA}/42/Cloud/x86_64/images/Fedora-Cloud-42-1.1-x86_64-CHECKSUM`,
    aarch64: {
      url: `${FEDORA}/42/Cloud/aarch64/images/Fedora-Cloud-Base-Generic-42-1.1.aarch64.qcow2`,
      checksumUrl: `${FEDORA}/42/Cloud/aarch64/images/Fedora-Cloud-42-1.1-aarch64-CHECKSUM`,
    },
    checksumFormat: "bsd",
    description: "Fedora 42 Cloud Base (Generic)",
  },
  {
    name: "rocky-9",
    aliases: ["rocky", "rockylinux-9"],
    url: "https://dl.rockylinux.org/pub/rocky/9/images/x86_64/Rocky-9-GenericCloud-Base.latest.x86_64.qcow2",
    checksumUrl:
      "https://dl.rockylinux.org/pub/rocky/9/images/x86_64/Rocky-9-GenericCloud-Base.latest.x86_64.qcow2.CHECKSUM",
    aarch64: {
      url: "https://dl.rockylinux.org/pub/rocky/9/images/aarch64/Rocky-9-GenericCloud-Base.latest.aarch64.qcow2",
      checksumUrl:
        "https://dl.rockylinux.org/pub/rocky/9/images/aarch64/Rocky-9-GenericCloud-Base.latest.aarch64.qcow2.CHECKSUM",
    },
    checksumFormat: "bsd",
    description: "Rocky Linux 9 GenericCloud (Base), latest point release",
  },
  {
    name: "alma-9",
    aliases: ["alma", "almalinux-9", "almalinux"],
    url: "https://repo.almalinux.org/almalinux/9/cloud/x86_64/images/AlmaLinux-9-GenericCloud-latest.x86_64.qcow2",
    checksumUrl: "https://repo.almalinux.org/almalinux/9/cloud/x86_64/images/CHECKSUM",
    aarch64: {
      url: "https://repo.almalinux.org/almalinux/9/cloud/aarch64/images/AlmaLinux-9-GenericCloud-latest.aarch64.qcow2",
      checksumUrl: "https://repo.almalinux.org/almalinux/9/cloud/aarch64/images/CHECKSUM",
    },
    checksumFormat: "sha256sums",
    description: "AlmaLinux 9 GenericCloud, latest point release",
  },
  {
    name: "centos-stream-9",
    aliases: ["centos-stream", "centos"],
    url: "https://cloud.centos.org/centos/9-stream/x86_64/images/CentOS-Stream-GenericCloud-9-latest.x86_64.qcow2",
    checksumUrl:
      "https://cloud.centos.org/centos/9-stream/x86_64/images/CentOS-Stream-GenericCloud-9-latest.x86_64.qcow2.SHA256SUM",
    aarch64: {
      url: "https://cloud.centos.org/centos/9-stream/aarch64/images/CentOS-Stream-GenericCloud-9-latest.aarch64.qcow2",
      checksumUrl:
        "https://cloud.centos.org/centos/9-stream/aarch64/images/CentOS-Stream-GenericCloud-9-latest.aarch64.qcow2.SHA256SUM",
    },
    checksumFormat: "bsd",
    description: "CentOS Stream 9 GenericCloud, latest build",
  },
  // Arch Linux publishes its cloud image for x86_64 only.
  {
    name: "arch",
    aliases: ["archlinux"],
    url: `${ARCH}/Arch-Linux-x86_64-cloudimg.qcow2`,
    checksumUrl: `${ARCH}/Arch-Linux-x86_64-cloudimg.qcow2.SHA256`,
    checksumFormat: "sha256sums",
    description: "Arch Linux cloud image (rolling, latest build)",
  },
  {
    name: "alpine-3.22",
    aliases: ["alpine"],
    url: `${ALPINE}/nocloud_alpine-3.22.2-x86_64-bios-cloudinit-r0.qcow2`,
    checksumUrl: `${ALPINE}/nocloud_alpine-3.22.2-x86_64-bios-cloudinit-r0.qcow2.sha512`,
    // Alpine builds aarch64 for UEFI only, which is what an aarch64 guest boots.
    aarch64: {
      url: `${ALPINE}/nocloud_alpine-3.22.2-aarch64-uefi-cloudinit-r0.qcow2`,
      checksumUrl: `${ALPINE}/nocloud_alpine-3.22.2-aarch64-uefi-cloudinit-r0.qcow2.sha512`,
    },
    checksumFormat: "sha512sums",
    description: "Alpine Linux 3.22 NoCloud image with cloud-init (BIOS)",
  },
  {
    name: "opensuse-leap-15.6",
    aliases: ["opensuse-leap", "opensuse", "leap"],
    url: `${LEAP}/openSUSE-Leap-15.6-Minimal-VM.x86_64-Cloud.qcow2`,
    checksumUrl: `${LEAP}/openSUSE-Leap-15.6-Minimal-VM.x86_64-Cloud.qcow2.sha256`,
    aarch64: {
      url: `${LEAP}/openSUSE-Leap-15.6-Minimal-VM.aarch64-Cloud.qcow2`,
      checksumUrl: `${LEAP}/openSUSE-Leap-15.6-Minimal-VM.aarch64-Cloud.qcow2.sha256`,
    },
    checksumFormat: "sha256sums",
    description: "openSUSE Leap 15.6 Minimal VM (Cloud)",
  },
];

export const registry: readonly RegistryEntry[] = entries;

/** Every name and alias a user may write. */
export function registryNames(): string[] {
  return entries.flatMap((e) => [e.name, ...e.aliases]);
}

/** The entry for a shorthand or alias (case-insensitive), if any. */
export function findShorthand(name: string): RegistryEntry | undefined {
  const n = name.toLowerCase();
  return entries.find((e) => e.name === n || e.aliases.includes(n));
}

/** The entry's image for `arch`, if the distribution publishes one. */
export function imageFor(entry: RegistryEntry, arch: Arch): RegistryImage | undefined {
  const image = arch === "aarch64" ? entry.aarch64 : entry;
  return image && { name: entry.name, arch, url: image.url, checksumUrl: image.checksumUrl };
}

/** The image whose URL is exactly `url`: a pasted registry URL still gets its checksum list. */
export function findByUrl(url: string): RegistryImage | undefined {
  for (const entry of entries) {
    for (const arch of ["x86_64", "aarch64"] as const) {
      const image = imageFor(entry, arch);
      if (image?.url === url) return image;
    }
  }
  return undefined;
}

/** Entries whose name, alias, URL or description contains `query` (all when empty). */
export function searchRegistry(query = ""): RegistryEntry[] {
  const q = query.trim().toLowerCase();
  if (!q) return [...entries];
  return entries.filter((e) =>
    [e.name, ...e.aliases, e.description, e.url].some((s) => s.toLowerCase().includes(q)),
  );
}
