/**
 * The hand-typed baseline: what a careful script does with no tool at all.
 * Keys, a cloud-localds seed, a qemu-img overlay on the cached base, a domain
 * XML like rum's (q35, SeaBIOS, cpu 'maximum', virtio disk and NIC, SATA
 * CD-ROM, serial console), `virsh define` + `start`, then the tight waits of
 * lib/guest.ts. Its cold start is the floor rum is held to.
 */
import { writeFileSync } from "node:fs";
import { join } from "pathe";
import type { Cleanup } from "../lib/cleanup";
import { type Keys, type Milestones, makeKeys, makeSeedIso, VIRSH, waitReady } from "../lib/guest";
import { must, since } from "../lib/proc";

export const IMAGES = "/var/lib/libvirt/images";

export function randomMac(): string {
  const b = crypto.getRandomValues(new Uint8Array(3));
  return `52:54:00:${[...b].map((x) => x.toString(16).padStart(2, "0")).join(":")}`;
}

function domainXml(name: string, disk: string, seed: string, mac: string): string {
  return `<domain type="qemu">
  <name>${name}</name>
  <memory unit="MiB">1024</memory>
  <vcpu>2</vcpu>
  <cpu mode="maximum"/>
  <os><type arch="x86_64" machine="q35">hvm</type><boot dev="hd"/></os>
  <features><acpi/><apic/></features>
  <on_poweroff>destroy</on_poweroff>
  <devices>
    <disk type="file" device="disk">
      <driver name="qemu" type="qcow2"/><source file="${disk}"/><target dev="vda" bus="virtio"/>
    </disk>
    <disk type="file" device="cdrom">
      <driver name="qemu" type="raw"/><source file="${seed}"/><target dev="sda" bus="sata"/><readonly/>
    </disk>
    <interface type="network"><mac address="${mac}"/><source network="default"/><model type="virtio"/></interface>
    <serial type="pty"><target port="0"/></serial>
    <console type="pty"><target type="serial" port="0"/></console>
    <rng model="virtio"><backend model="random">/dev/urandom</backend></rng>
  </devices>
</domain>
`;
}

export type Booted = Milestones & { readyS: number; ip: string; keys: Keys; domain: string };
/** A contender's cold start of guest `name` on `base`, its files under `work`, its leftovers registered. */
export type Up = (name: string, base: string, work: string, clean: Cleanup) => Promise<Booted>;

/** The guest's disk: a qcow2 overlay on the cached base, as rum makes it (4 GiB). */
export async function overlay(base: string, disk: string): Promise<void> {
  await must(["qemu-img", "create", "-q", "-f", "qcow2", "-F", "qcow2", "-b", base, disk, "4G"]);
}

/** One cold start of the hand-typed guest, timed from the first command. */
export const handTypedUp: Up = async (name, base, work, clean) => {
  const disk = join(IMAGES, `${name}.qcow2`);
  const seed = join(IMAGES, `${name}-seed.iso`);
  const xml = join(work, `${name}.xml`);
  const mac = randomMac();
  clean.file(disk);
  clean.file(seed);
  clean.domain(name);
  const t0 = Bun.nanoseconds();
  const keys = await makeKeys(work, name);
  await makeSeedIso(keys, name, seed);
  await overlay(base, disk);
  writeFileSync(xml, domainXml(name, disk, seed, mac));
  await must([...VIRSH, "define", xml]);
  await must([...VIRSH, "start", name]);
  const m = await waitReady(keys, mac, t0);
  return { ...m, readyS: since(t0), keys, domain: name };
};
