/**
 * The hand-typed baseline: what a careful script does with no tool at all,
 * given rum's own domain definition and seed (captured from rum's guest in
 * an earlier round), so the only difference left is rum's own work: a
 * `qemu-img` overlay on the cached base, the seed copied next to it, `virsh
 * define` + `start`. Its cold start is the floor rum is held to.
 */
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "pathe";
import type { Cleanup } from "../lib/cleanup";
import type { Keys } from "../lib/guest";
import { VIRSH } from "../lib/guest";
import type { Target } from "../lib/poller";
import { must } from "../lib/proc";

export const IMAGES = "/var/lib/libvirt/images";

/** A contender's cold start: what the poller watches for, and the commands it times. */
export type Contender = { target: Target; commands: () => Promise<void> };

/** rum's guest as the hand-typed script gets it: domain XML, seed ISO, SSH keys. */
export type Captured = { xml: string; seed: string; keys: Keys };

/** The guest's disk: a qcow2 overlay on the cached base, as rum makes it (4 GiB). */
export async function overlay(base: string, disk: string): Promise<void> {
  await must(["qemu-img", "create", "-q", "-f", "qcow2", "-F", "qcow2", "-b", base, disk, "4G"]);
}

/**
 * Copies what the hand-typed script needs from rum's running guest into
 * `dir`: the inactive domain XML, the seed ISO and rum's keys (rum pinned the
 * guest's host key under the domain's name, kept as the SSH host key alias).
 */
export async function captureRum(domain: string, stateDir: string, dir: string): Promise<Captured> {
  mkdirSync(dir, { recursive: true });
  const xml = (await must([...VIRSH, "dumpxml", "--inactive", domain])).stdout;
  const cdrom = /<disk[^>]*device=['"]cdrom['"][^>]*>[\s\S]*?<\/disk>/.exec(xml)?.[0] ?? "";
  const src = /<source pool=['"]([^'"]+)['"] volume=['"]([^'"]+)['"]/.exec(cdrom);
  if (!src) throw new Error(`no seed volume in ${domain}'s definition`);
  const seedPath = (
    await must([...VIRSH, "vol-path", "--pool", src[1] as string, src[2] as string])
  ).stdout.trim();
  const seed = join(dir, "seed.iso");
  copyFileSync(seedPath, seed);
  for (const f of ["id_ed25519", "known_hosts"]) copyFileSync(join(stateDir, f), join(dir, f));
  const keys = {
    dir,
    clientKey: join(dir, "id_ed25519"),
    knownHosts: join(dir, "known_hosts"),
    alias: domain,
  };
  return { xml, seed, keys };
}

/**
 * rum's domain XML for another guest: its own name, no UUID and no rum
 * metadata (rum must not take it for its own), file disks in place of rum's
 * pool volumes, the console log in `logFile`. Same MAC, devices, CPU and
 * machine: the guest's network-config matches the NIC by its MAC.
 */
export function handTypedXml(
  rumXml: string,
  name: string,
  files: { disk: string; seed: string; log: string },
): string {
  if (/<nvram/.test(rumXml)) throw new Error("the bench's rum.toml boots BIOS; got UEFI nvram");
  const disks = rumXml.match(/<disk[^>]*device=['"]disk['"]/g) ?? [];
  if (disks.length !== 1) throw new Error(`expected one disk in rum's domain, got ${disks.length}`);
  const fileDisk = (el: string, path: string) =>
    el
      .replace(/type=['"]volume['"]/, "type='file'")
      .replace(/<source [^>]*\/>/, `<source file='${path}'/>`);
  return rumXml
    .replace(/<name>[^<]*<\/name>/, `<name>${name}</name>`)
    .replace(/\s*<uuid>[^<]*<\/uuid>/, "")
    .replace(/\s*<metadata>[\s\S]*?<\/metadata>/, "")
    .replace(/<disk[^>]*device=['"]disk['"][^>]*>[\s\S]*?<\/disk>/, (d) => fileDisk(d, files.disk))
    .replace(/<disk[^>]*device=['"]cdrom['"][^>]*>[\s\S]*?<\/disk>/, (d) => fileDisk(d, files.seed))
    .replace(/<log file=['"][^'"]*['"]/g, `<log file='${files.log}'`);
}

/** One cold start of the hand-typed guest `name` from rum's captured definition. */
export function handTyped(
  name: string,
  base: string,
  rum: Captured,
  work: string,
  clean: Cleanup,
): Contender {
  const disk = join(IMAGES, `${name}.qcow2`);
  const seed = join(IMAGES, `${name}-seed.iso`);
  const xml = join(work, `${name}.xml`);
  clean.file(disk);
  clean.file(seed);
  clean.domain(name);
  return {
    target: { isOwn: (d) => d === name, keys: () => rum.keys },
    commands: async () => {
      await overlay(base, disk);
      copyFileSync(rum.seed, seed);
      mkdirSync(work, { recursive: true });
      writeFileSync(
        xml,
        handTypedXml(rum.xml, name, { disk, seed, log: join(work, "console.log") }),
      );
      await must([...VIRSH, "define", xml]);
      await must([...VIRSH, "start", name]);
    },
  };
}
