/**
 * Everything the cloud-init seed is made from. The lead maps rum.toml onto this
 * shape; the generators here never read config or files themselves, so the
 * same input always yields byte-identical seed documents.
 */

export type ShareType = "virtiofs" | "9p";
export type FilesystemType = "ext4" | "xfs" | "btrfs" | "zfs";

export interface SeedUser {
  name: string;
  /** Supplementary groups; cloud-init creates the ones that don't exist. */
  groups: string[];
  /** rum's per-VM client key plus `[ssh] authorized_keys`, one OpenSSH public key per entry. */
  authorizedKeys: string[];
  /** Fixed uid (the host user's, so shared files keep their owner); the image's default when unset. */
  uid?: number;
  /** Fixed primary gid, made as a group of the user's name; when unset useradd's own choice (the uid if free). */
  gid?: number;
}

export interface SeedHostKey {
  type: "ed25519";
  /** OpenSSH private key text, exactly as ssh-keygen wrote it. */
  privateKey: string;
  publicKey: string;
}

export interface SeedMount {
  /** virtiofs/9p tag the host exports the folder under. */
  tag: string;
  /** Absolute mount point in the guest. */
  target: string;
  readonly: boolean;
  type: ShareType;
}

export interface SeedDrive {
  /** The disk's serial; the guest sees it as /dev/disk/by-id/virtio-<name>. */
  name: string;
}

export interface SeedFilesystem {
  type: FilesystemType;
  /** Drive names (see SeedDrive); ext4/xfs take exactly one. */
  drives: string[];
  target: string;
  /** btrfs data+metadata profile (raid1, ...) or zfs vdev type (mirror, raidz, ...). */
  mode?: string;
  /** zfs pool name. */
  pool?: string;
}

export interface SeedProvision {
  /** Run once, on the first boot of a fresh VM. */
  system?: string;
  /** Run on every boot. */
  boot?: string;
}

export interface SeedNic {
  mac: string;
  /** Static reservation, served by libvirt's DHCP: the guest still uses DHCP. */
  ip?: string;
}

export type { SeedEnv } from "./environment";

import type { SeedEnv } from "./environment";

export interface SeedInput {
  /** Computed from the rest of the input (see instanceId), never given. */
  instanceId?: never;
  hostname: string;
  user: SeedUser;
  hostKey: SeedHostKey;
  autologin: boolean;
  mounts: SeedMount[];
  drives: SeedDrive[];
  filesystems: SeedFilesystem[];
  provision: SeedProvision;
  nics: SeedNic[];
  /** `[env]` and the host's proxy: logins, `rum exec`, provisioning and apt see them. */
  env?: SeedEnv;
  /** The user's `[cloud_init]` user-data (#cloud-config or #! script), checked by the config loader. */
  extraUserData?: string;
  /** The default mount target: interactive login shells start there. */
  defaultDir?: string;
}
