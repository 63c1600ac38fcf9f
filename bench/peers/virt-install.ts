/**
 * virt-install as a user drives it for a cloud image: keys and seed content
 * like rum's, an overlay on the cached base, `virt-install --import
 * --cloud-init …`, which returns once the domain runs (readiness is the
 * user's job: the poller's). `--osinfo debian11`: Debian 12's osinfo-db has
 * no debian12, and detect=on falls back to IDE disks on which this image
 * never boots.
 */
import { readdirSync, rmSync } from "node:fs";
import { join } from "pathe";
import type { Cleanup } from "../lib/cleanup";
import { type Keys, makeKeys, writeSeedFiles } from "../lib/guest";
import { must } from "../lib/proc";
import { type Contender, IMAGES, overlay } from "./virsh";

// virt-install writes its seed ISO and scratch files here and leaves them.
const SCRATCH = "/var/lib/libvirt/boot";
const scratchFiles = () => {
  try {
    return readdirSync(SCRATCH).filter((f) => f.startsWith("virtinst-"));
  } catch {
    return [];
  }
};

export function virtInstall(name: string, base: string, work: string, clean: Cleanup): Contender {
  const disk = join(IMAGES, `${name}.qcow2`);
  const before = scratchFiles();
  clean.file(disk);
  clean.domain(name);
  clean.add(`virt-install scratch files for ${name}`, async () => {
    for (const f of scratchFiles())
      if (!before.includes(f)) rmSync(join(SCRATCH, f), { force: true });
  });
  let keys: Keys | undefined;
  return {
    target: { isOwn: (d) => d === name, keys: () => keys },
    commands: async () => {
      const k = await makeKeys(work, name);
      const seed = writeSeedFiles(k, name);
      keys = k;
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
        "network=default",
        "--graphics",
        "none",
        "--noautoconsole",
      ]);
    },
  };
}
