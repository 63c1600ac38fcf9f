/**
 * Checks a DomainSpec against what libvirt's domain schema and QEMU accept,
 * before any XML is written. Escaping makes every value safe to *carry*; these
 * checks catch values libvirt would refuse (a newline in a path, a space in a
 * machine type) with a message that names the setting instead of an XML error.
 */
import { UsageError } from "../errors";
import type { DomainSpec } from "./spec";

/** vdb..vdz; the config allows 24 (vdz stays free). */
export const MAX_EXTRA_DRIVES = 24;
// virtio-blk carries at most 20 bytes of serial; a longer one would be cut
// short and /dev/disk/by-id/virtio-<name> would not match the drive's name.
const SERIAL = /^[A-Za-z0-9_.+ -]{1,20}$/;
const MACHINE = /^[A-Za-z0-9_.-]+$/;
const BRIDGE = /^[A-Za-z0-9_.\\:/ -]+$/;
const UNICAST_MAC = /^[0-9a-fA-F][02468aAcCeE](:[0-9a-fA-F]{2}){5}$/;

function fail(message: string, hint: string): never {
  throw new UsageError(message, { hint });
}

// libvirt's schema patterns for names and paths use "." / [^\n], which exclude line breaks.
function oneLine(what: string, value: string): void {
  if (value === "") fail(`${what} is empty`, `give ${what} a value`);
  if (/[\r\n]/.test(value)) {
    fail(
      `${what} ${JSON.stringify(value)} contains a line break`,
      `libvirt refuses line breaks in ${what}: rename it`,
    );
  }
}

function absolutePath(what: string, value: string): void {
  oneLine(what, value);
  if (!value.startsWith("/")) {
    fail(`${what} "${value}" is not an absolute path`, "use an absolute host path");
  }
}

function volumeName(what: string, value: string): void {
  oneLine(what, value);
  if (value.includes("/") || value === "." || value === "..") {
    fail(`${what} "${value}" is not a valid volume name`, "volume names cannot contain '/'");
  }
}

function positiveInt(what: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    fail(`${what} must be a whole number of at least 1, not ${value}`, `fix ${what} in rum.toml`);
  }
}

function unique(what: string, values: string[]): void {
  const dup = values.find((v, i) => values.indexOf(v) !== i);
  if (dup !== undefined) fail(`${what} "${dup}" is used twice`, `give each ${what} its own name`);
}

function checkDisks(spec: DomainSpec): void {
  oneLine("storage pool name", spec.pool);
  if (spec.pool.includes("/")) {
    fail(`storage pool name "${spec.pool}" contains '/'`, "pick a pool name without '/'");
  }
  volumeName("root volume", spec.rootVolume);
  volumeName("seed volume", spec.seedVolume);
  if (spec.drives.length > MAX_EXTRA_DRIVES) {
    fail(
      `${spec.drives.length} drives configured, at most ${MAX_EXTRA_DRIVES} fit`,
      "remove some [drives] entries",
    );
  }
  for (const d of spec.drives) {
    if (!SERIAL.test(d.name)) {
      fail(
        `drive name "${d.name}" cannot be a disk serial`,
        "use up to 20 letters, digits, '_', '.', '+' or '-'",
      );
    }
    volumeName(`volume of drive ${d.name}`, d.volume);
  }
  unique(
    "drive name",
    spec.drives.map((d) => d.name),
  );
}

function checkNics(spec: DomainSpec): void {
  for (const nic of spec.nics) {
    if (!UNICAST_MAC.test(nic.mac)) {
      fail(`MAC address "${nic.mac}" is not a unicast MAC`, "use macFor() or a 52:54:00:… address");
    }
    if ("bridge" in nic.source && !BRIDGE.test(nic.source.bridge)) {
      fail(
        `bridge "${nic.source.bridge}" is not a valid bridge name`,
        "use the host bridge's name, e.g. br0",
      );
    }
    if ("network" in nic.source) oneLine("network name", nic.source.network);
  }
}

function checkMounts(spec: DomainSpec): void {
  for (const m of spec.mounts) {
    absolutePath("mount source", m.hostPath);
    // libvirt writes a line break in <target dir> back unescaped, so it would not survive.
    oneLine("mount tag", m.tag);
  }
  unique(
    "mount tag",
    spec.mounts.map((m) => m.tag),
  );
}

export function checkSpec(spec: DomainSpec): void {
  oneLine("domain name", spec.name);
  if (spec.name.includes("/")) {
    fail(`domain name "${spec.name}" contains '/'`, "libvirt refuses '/' in domain names");
  }
  if (spec.title) oneLine("VM name", spec.title);
  if (!MACHINE.test(spec.machine)) {
    fail(
      `advanced.machine "${spec.machine}" is not a machine type`,
      "use a name from `qemu-system-x86_64 -machine help`, e.g. q35",
    );
  }
  positiveInt("resources.cpus", spec.cpus);
  positiveInt("resources.memory_mb", spec.memoryMiB);
  if (spec.uefiLoader) {
    absolutePath("UEFI code file", spec.uefiLoader.code);
    absolutePath("UEFI variables template", spec.uefiLoader.varsTemplate);
    if (spec.uefiLoader.nvramPath) absolutePath("UEFI variables file", spec.uefiLoader.nvramPath);
  }
  if (spec.nvramPath) absolutePath("UEFI variables file", spec.nvramPath);
  checkDisks(spec);
  checkNics(spec);
  checkMounts(spec);
  if (spec.serialLogPath !== undefined) absolutePath("serial log path", spec.serialLogPath);
}
