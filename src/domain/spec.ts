/**
 * What the domain XML is made from. The lead maps rum.toml + per-VM state onto
 * this; everything in src/domain/ reads only this shape, never the config, so
 * the XML can be tested without a config file or a host.
 */

export interface DriveSpec {
  /** Drive name from rum.toml; becomes the disk serial → /dev/disk/by-id/virtio-<name>. */
  name: string;
  /** qcow2 volume name in the pool. */
  volume: string;
}

export type NicSource = { network: string } | { bridge: string };

export interface NicSpec {
  mac: string;
  source: NicSource;
}

export interface MountSpec {
  tag: string;
  hostPath: string;
  readonly: boolean;
  type: "virtiofs" | "9p";
}

/** rum's ownership mark, kept in the domain's <metadata>. */
export interface RumMetadata {
  configPath: string;
  configHash: string;
  vmName: string;
  version: string;
}

export interface UefiLoader {
  code: string;
  varsTemplate: string;
  /** Where libvirt keeps this VM's variable store; absent = libvirt picks one. */
  nvramPath?: string;
}

export interface DomainSpec {
  /** libvirt domain name, e.g. rum-dev-1a2b3c4d. */
  name: string;
  /** VM name shown by `virsh list --title`. */
  title?: string;
  /** The existing domain's UUID when redefining it (libvirt refuses a new UUID for a known name). */
  uuid?: string;
  domainType: "kvm" | "qemu";
  /** `auto`, `host-passthrough`, `maximum`, or a libvirt CPU model name (see domain-xml.ts). */
  cpuModel?: string;
  /** Guest CPU architecture; decides the devices (src/domain/devices.ts) besides <os><type arch>. */
  arch: "x86_64" | "aarch64";
  /** Machine type, e.g. q35 (x86_64) or virt (aarch64). */
  machine: string;
  firmware: "bios" | "uefi";
  /** Explicit OVMF/AAVMF pair (fallback); absent = libvirt's <os firmware='efi'> auto-selection. */
  uefiLoader?: UefiLoader;
  cpus: number;
  memoryMiB: number;
  /** Storage pool name ("rum"). */
  pool: string;
  /** qcow2 overlay volume name in the pool. */
  rootVolume: string;
  /** Seed ISO volume name in the pool (read-only CD-ROM). */
  seedVolume: string;
  drives: DriveSpec[];
  nics: NicSpec[];
  mounts: MountSpec[];
  /** Serial console copied to this host file (append). */
  serialLogPath?: string;
  metadata: RumMetadata;
}
