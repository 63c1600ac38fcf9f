/**
 * virt-install as a user drives it for a cloud image: an overlay on the
 * cached base, `virt-install --import --cloud-init …` with the same seed
 * content as the hand-typed guest, then the same waits (virt-install returns
 * once the domain runs; readiness is the user's job). `--osinfo debian11`:
 * Debian 12's osinfo-db has no debian12, and detect=on falls back to IDE
 * disks on which this image never boots.
 */
import { readdirSync, rmSync } from "node:fs";
import { join } from "pathe";
import { makeKeys, waitReady, writeSeedFiles } from "../lib/guest";
import { must, since } from "../lib/proc";
import { IMAGES, overlay, randomMac, type Up } from "./virsh";

// virt-install writes its seed ISO and scratch files here and leaves them.
const SCRATCH = "/var/lib/libvirt/boot";
const scratchFiles = () => {
  try {
    return readdirSync(SCRATCH).filter((f) => f.startsWith("virtinst-"));
  } catch {
    return [];
  }
};

export const virtInstallUp: Up = async (name, base, work, clean) => {
  const disk = join(IMAGES, `${name}.qcow2`);
  const mac = randomMac();
  const before = scratchFiles();
  clean.file(disk);
  clean.domain(name);
  clean.add(`virt-install scratch files for ${name}`, async () => {
    for (const f of scratchFiles())
      if (!before.includes(f)) rmSync(join(SCRATCH, f), { force: true });
  });
  const t0 = Bun.nanoseconds();
  const keys = await makeKeys(work, name);
  const seed = writeSeedFiles(keys, name);
  await overlay(base, disk);
  await must([
    "virt-install",
    "--connect",
    "qemu:///system",
    "--import",
    "--virt-type",
    "qemu",
    "--name",
    name,
    "--memory",
    "1024",
    "--vcpus",
    "2",
    "--osinfo",
    "debian11",
    "--disk",
    `path=${disk},format=qcow2,bus=virtio`,
    "--cloud-init",
    `user-data=${seed.user},meta-data=${seed.meta},network-config=${seed.net}`,
    "--network",
    `network=default,mac=${mac}`,
    "--graphics",
    "none",
    "--noautoconsole",
  ]);
  const m = await waitReady(keys, mac, t0);
  return { ...m, readyS: since(t0), keys, domain: name };
};
