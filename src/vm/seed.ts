/**
 * The cloud-init seed for a VM: rum.toml + keys → NoCloud documents → an ISO
 * image in memory. Deterministic (fixed timestamps), so its hash names the
 * volume and an unchanged config reuses the uploaded seed.
 */
import type { VmKeys } from "../guest/keys";
import { log } from "../log";
import { type SeedInput, seedFiles } from "../seed/cloudinit/index";
import { writeIso } from "../seed/iso9660/writer";
import type { Vm } from "./context";
import { guestUserIds } from "./guest-ids";
import type { ResolvedMount } from "./mounts";
import { seedEnv } from "./seed-env";

/** Fixed so identical inputs give identical bytes. */
const SEED_DATE = new Date(Date.UTC(2020, 0, 1));

export function seedInput(vm: Vm, keys: VmKeys, mounts: ResolvedMount[]): SeedInput {
  const { config } = vm.loaded;
  const { uid, gid } = guestUserIds(vm);
  const fs = config.fs;
  const filesystems = (["ext4", "xfs", "btrfs", "zfs"] as const).flatMap((type) =>
    (fs[type] ?? []).map((e) => ({
      type,
      drives: e.drives ?? (e.drive ? [e.drive] : []),
      target: e.target,
      ...(e.mode ? { mode: e.mode } : {}),
      ...(e.pool ? { pool: e.pool } : {}),
    })),
  );
  const defaultDir = mounts.find((m) => m.default)?.target;
  const env = seedEnv(config, process.env, (m) => log.warn(m));
  return {
    hostname: config.network.hostname ?? vm.loaded.name,
    user: {
      name: config.user.name,
      groups: config.user.groups,
      authorizedKeys: [keys.clientPub, ...config.ssh.authorized_keys],
      ...(uid === undefined ? {} : { uid }),
      ...(gid === undefined ? {} : { gid }),
    },
    hostKey: { type: "ed25519", ...keys.hostKey },
    autologin: config.advanced.autologin,
    mounts: mounts.map((m) => ({
      tag: m.tag,
      target: m.target,
      readonly: m.readonly,
      type: m.type,
    })),
    drives: Object.keys(config.drives).map((name) => ({ name })),
    filesystems,
    provision: {
      ...(config.provision.system ? { system: config.provision.system.script } : {}),
      ...(config.provision.boot ? { boot: config.provision.boot.script } : {}),
    },
    nics: vm.nics.map((n) => ({ mac: n.mac, ...(n.ip ? { ip: n.ip } : {}) })),
    ...(vm.loaded.userData === undefined ? {} : { extraUserData: vm.loaded.userData }),
    ...(defaultDir ? { defaultDir } : {}),
    ...(env ? { env } : {}),
  };
}

export interface SeedImage {
  bytes: Uint8Array;
  /** sha256 hex of the ISO bytes. */
  hash: string;
  files: Record<string, string>;
}

export function buildSeed(input: SeedInput): SeedImage {
  const files = seedFiles(input);
  const enc = new TextEncoder();
  const bytes = writeIso({
    volumeId: "CIDATA",
    date: SEED_DATE,
    files: Object.entries(files).map(([path, text]) => ({
      path,
      data: enc.encode(text),
      mode: 0o444,
    })),
  });
  const hash = new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
  return { bytes, hash, files: { ...files } };
}
