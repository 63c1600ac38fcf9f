/**
 * The <devices> of a rum domain: disks, NICs, shared folders and the console.
 * Everything is virtio on both arches except what the machine type dictates:
 * the seed CD-ROM's bus and the serial port's model.
 */
import type { DomainSpec, MountSpec, NicSpec } from "./spec";
import { el, type XmlElement } from "./xml";

// Extra drives take vdb, vdc, …; vda is the root disk. The guest finds them by
// serial (/dev/disk/by-id/virtio-<name>), not by these names.
const DRIVE_LETTERS = "bcdefghijklmnopqrstuvwxyz";

function volumeDisk(pool: string, volume: string, dev: string, serial?: string): XmlElement {
  return el("disk", { type: "volume", device: "disk" }, [
    // discard='unmap' passes the guest's TRIM through, so deleted data shrinks the qcow2.
    el("driver", { name: "qemu", type: "qcow2", discard: "unmap" }),
    el("source", { pool, volume }),
    el("target", { dev, bus: "virtio" }),
    serial !== undefined && el("serial", {}, serial),
  ]);
}

function disks(spec: DomainSpec): XmlElement[] {
  const extra = spec.drives.map((d, i) =>
    volumeDisk(spec.pool, d.volume, `vd${DRIVE_LETTERS[i]}`, d.name),
  );
  const seed = el("disk", { type: "volume", device: "cdrom" }, [
    el("driver", { name: "qemu", type: "raw" }),
    el("source", { pool: spec.pool, volume: spec.seedVolume }),
    // A CD-ROM needs a SCSI/ATA bus, not virtio-blk. x86_64: SATA, as q35 has
    // AHCI built in and stock kernels drive it. aarch64: the virt machine has no
    // AHCI, so virtio-scsi (its controller is in devices()), which arm64 cloud kernels carry.
    el("target", { dev: "sda", bus: spec.arch === "aarch64" ? "scsi" : "sata" }),
    el("readonly"),
  ]);
  return [volumeDisk(spec.pool, spec.rootVolume, "vda"), ...extra, seed];
}

function nic(n: NicSpec): XmlElement {
  const isNetwork = "network" in n.source;
  return el("interface", { type: isNetwork ? "network" : "bridge" }, [
    el("mac", { address: n.mac }),
    el("source", n.source),
    el("model", { type: "virtio" }),
  ]);
}

/**
 * Whether the hypervisor itself keeps a read-only mount read-only. libvirt 9.0
 * refuses <readonly/> on virtiofs ("virtiofs does not yet support read-only
 * mode", checked at define time), so a read-only virtiofs mount is shared
 * read-write and the guest must mount it with `ro`. 9p enforces it in QEMU.
 */
export function hostEnforcesReadonly(m: MountSpec): boolean {
  return m.readonly && m.type === "9p";
}

// accessmode='passthrough' for both kinds: the guest sees the host files' real
// owners and modes, and files the guest creates get the guest user's uid on the
// host (QEMU or virtiofsd runs as root and chowns them), so the host user can
// edit them. 'mapped' would keep ownership in xattrs and leave host files owned
// by the QEMU user with private modes; virtiofs supports only passthrough anyway.
function mount(m: MountSpec): XmlElement {
  const virtiofs = m.type === "virtiofs";
  return el("filesystem", { type: "mount", accessmode: "passthrough" }, [
    el("driver", { type: virtiofs ? "virtiofs" : "path" }),
    el("source", { dir: m.hostPath }),
    el("target", { dir: m.tag }),
    hostEnforcesReadonly(m) && el("readonly"),
  ]);
}

/**
 * Serial console (logged), the guest agent channel and entropy; no graphics.
 * No USB controller and no balloon, which libvirt would otherwise add: a headless
 * guest uses neither, and without their drivers a TCG guest was ready sooner in
 * every round (docs/domain-ab.md, run 4: 1.6 s between medians).
 */
function consoleAndMisc(spec: DomainSpec): XmlElement[] {
  const log = spec.serialLogPath;
  return [
    el("serial", { type: "pty" }, [
      log !== undefined && el("log", { file: log, append: "on" }),
      // aarch64: the virt machine's own UART, the PL011 (ttyAMA0), which UEFI
      // and the kernel (via the ACPI SPCR table) use as their console.
      spec.arch === "aarch64"
        ? el("target", { type: "system-serial", port: 0 }, [el("model", { name: "pl011" })])
        : el("target", { port: 0 }),
    ]),
    el("console", { type: "pty" }, [el("target", { type: "serial", port: 0 })]),
    el("channel", { type: "unix" }, [
      el("target", { type: "virtio", name: "org.qemu.guest_agent.0" }),
    ]),
    el("rng", { model: "virtio" }, [el("backend", { model: "random" }, "/dev/urandom")]),
    el("controller", { type: "usb", model: "none" }),
    el("memballoon", { model: "none" }),
  ];
}

export function devices(spec: DomainSpec): XmlElement {
  return el("devices", {}, [
    ...disks(spec),
    spec.arch === "aarch64" && el("controller", { type: "scsi", index: 0, model: "virtio-scsi" }),
    ...spec.nics.map(nic),
    ...spec.mounts.map(mount),
    ...consoleAndMisc(spec),
  ]);
}
