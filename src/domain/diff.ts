/**
 * What changed between the applied domain and the wanted one, in the words of
 * rum.toml, so `rum up` can say which settings wait for a restart. rum's
 * metadata (config hash, version) is left out: it changes with any edit and
 * means nothing to a running guest.
 */
import { cpuOf } from "./domain-xml";
import type { DomainSpec, MountSpec, NicSpec } from "./spec";

function scalar(out: string[], key: string, before: unknown, after: unknown): void {
  if (before !== after) out.push(`${key} ${String(before)} → ${String(after)}`);
}

/** Changes of a named list, e.g. "drives (added data; removed logs)". */
function keyed(
  out: string[],
  key: string,
  before: ReadonlyMap<string, string>,
  after: ReadonlyMap<string, string>,
): void {
  const names = (keys: Iterable<string>, keep: (k: string) => boolean) => [...keys].filter(keep);
  const parts: string[] = [];
  const added = names(after.keys(), (k) => !before.has(k));
  const removed = names(before.keys(), (k) => !after.has(k));
  const changed = names(after.keys(), (k) => before.has(k) && before.get(k) !== after.get(k));
  if (added.length) parts.push(`added ${added.join(", ")}`);
  if (removed.length) parts.push(`removed ${removed.join(", ")}`);
  if (changed.length) parts.push(`changed ${changed.join(", ")}`);
  // Order decides device names (vdb, vdc …) and PCI slots, so it counts too.
  if (!parts.length && [...before.keys()].join("\0") !== [...after.keys()].join("\0")) {
    parts.push("reordered");
  }
  if (parts.length) out.push(`${key} (${parts.join("; ")})`);
}

function nicLabel(n: NicSpec): string {
  return "network" in n.source ? n.source.network : `bridge ${n.source.bridge}`;
}

function nics(out: string[], before: NicSpec[], after: NicSpec[]): void {
  const a = before.map(nicLabel).join(", ") || "none";
  const b = after.map(nicLabel).join(", ") || "none";
  if (a !== b) out.push(`network.interfaces ${a} → ${b}`);
  else if (before.some((n, i) => n.mac !== after[i]?.mac)) {
    out.push("network.interfaces (MAC addresses)");
  }
}

function mountValue(m: MountSpec): string {
  return `${m.type} ${m.hostPath} ${m.readonly ? "ro" : "rw"}`;
}

function firmware(out: string[], before: DomainSpec, after: DomainSpec): void {
  if (before.firmware !== after.firmware) {
    scalar(out, "advanced.firmware", before.firmware, after.firmware);
  } else if (JSON.stringify(before.uefiLoader) !== JSON.stringify(after.uefiLoader)) {
    out.push("advanced.firmware (UEFI loader)");
  } else if (before.nvramPath && before.nvramPath !== after.nvramPath) {
    // A domain defined before the variables moved into the pool keeps libvirt's
    // file until it is redefined for another reason: not a change to stop a running VM for.
    out.push("advanced.firmware (UEFI variables file)");
  }
}

/** Human names of the settings that differ, e.g. "resources.cpus 2 → 4"; empty when none. */
export function diffDomains(oldSpec: DomainSpec, newSpec: DomainSpec): string[] {
  const out: string[] = [];
  scalar(out, "domain name", oldSpec.name, newSpec.name);
  scalar(out, "name", oldSpec.title, newSpec.title);
  scalar(out, "resources.cpus", oldSpec.cpus, newSpec.cpus);
  scalar(out, "resources.memory_mb", oldSpec.memoryMiB, newSpec.memoryMiB);
  scalar(out, "advanced.domain_type", oldSpec.domainType, newSpec.domainType);
  // A spec saved before rum knew other arches has none: it was x86_64.
  scalar(out, "advanced.arch", oldSpec.arch ?? "x86_64", newSpec.arch);
  // A change of domain_type or arch changes the resolved `auto` CPU too; the lines above say it.
  if (oldSpec.domainType === newSpec.domainType && (oldSpec.arch ?? "x86_64") === newSpec.arch)
    scalar(
      out,
      "advanced.cpu_model",
      cpuOf({ ...oldSpec, arch: oldSpec.arch ?? "x86_64" }),
      cpuOf(newSpec),
    );
  scalar(out, "advanced.machine", oldSpec.machine, newSpec.machine);
  firmware(out, oldSpec, newSpec);
  scalar(out, "storage pool", oldSpec.pool, newSpec.pool);
  scalar(out, "root disk", oldSpec.rootVolume, newSpec.rootVolume);
  if (oldSpec.seedVolume !== newSpec.seedVolume) out.push("seed (cloud-init inputs)");
  keyed(
    out,
    "drives",
    new Map(oldSpec.drives.map((d) => [d.name, d.volume])),
    new Map(newSpec.drives.map((d) => [d.name, d.volume])),
  );
  nics(out, oldSpec.nics, newSpec.nics);
  keyed(
    out,
    "mounts",
    new Map(oldSpec.mounts.map((m) => [m.tag, mountValue(m)])),
    new Map(newSpec.mounts.map((m) => [m.tag, mountValue(m)])),
  );
  scalar(out, "serial log", oldSpec.serialLogPath, newSpec.serialLogPath);
  return out;
}
