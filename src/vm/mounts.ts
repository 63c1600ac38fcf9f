/**
 * `[[mounts]]` → host folders shared into the guest. virtiofs when the host
 * has virtiofsd (fast, needs shared memory), 9p otherwise or when asked.
 */
import { existsSync, statSync } from "node:fs";
import { dirname } from "pathe";
import { resolveMountSource } from "../config/mount-source";
import { mountTag } from "../config/semantic";
import { RumError, UsageError } from "../errors";
import { hostFixCommand } from "../host/fix-hint";
import { isRemoteUri } from "../host/uri";
import type { Vm } from "./context";

export interface ResolvedMount {
  tag: string;
  hostPath: string;
  target: string;
  readonly: boolean;
  type: "virtiofs" | "9p";
  default: boolean;
}

const VIRTIOFSD = ["/usr/lib/qemu/virtiofsd", "/usr/libexec/virtiofsd", "/usr/lib/virtiofsd"];

export function hostHasVirtiofsd(): boolean {
  return VIRTIOFSD.some((p) => existsSync(p)) || Bun.which("virtiofsd") !== null;
}

export function resolveMounts(vm: Vm): ResolvedMount[] {
  const { loaded } = vm;
  if (loaded.config.mounts.length === 0) return [];
  if (isRemoteUri(vm.virsh.uri)) {
    throw new UsageError(
      `[[mounts]] share local folders, which a remote libvirt host (${vm.virsh.uri}) cannot reach`,
      {
        hint: "remove [[mounts]] for remote VMs and copy files with `rum cp` instead",
      },
    );
  }
  const virtiofs = hostHasVirtiofsd();
  const mounts = loaded.config.mounts.map(
    (m): ResolvedMount => ({
      tag: m.tag ?? mountTag(m),
      hostPath: resolveMountSource(loaded, m),
      target: m.target,
      readonly: m.readonly,
      type: m.type ?? (virtiofs ? "virtiofs" : "9p"),
      default: m.default,
    }),
  );
  if (!vm.virsh.uri.endsWith("/session")) {
    for (const m of mounts) if (m.type === "9p") checkOthersCanEnter(m.hostPath, virtiofs);
  }
  return mounts;
}

/**
 * 9p is served by QEMU itself, which under qemu:///system runs as libvirt's
 * own user: a folder inside a private (0700) home is closed to it, and the
 * guest would fail at start with a bare "Permission denied". virtiofsd runs
 * as root and has no such limit.
 */
function checkOthersCanEnter(path: string, virtiofs: boolean): void {
  const chain: string[] = [];
  for (let p = path; ; p = dirname(p)) {
    chain.unshift(p);
    if (p === dirname(p)) break;
  }
  for (const dir of chain) {
    const mode = statSync(dir, { throwIfNoEntry: false })?.mode;
    if (mode === undefined) return; // a missing source is reported by libvirt with its path
    const needed = dir === path ? 0o005 : 0o001;
    if ((mode & needed) === needed) continue;
    throw new RumError(
      `the 9p share ${path} is inside ${dir} (mode ${(mode & 0o777).toString(8).padStart(4, "0")}), which QEMU cannot enter: under qemu:///system it runs as libvirt's own user, not as you`,
      {
        hint: virtiofs
          ? `remove \`type = "9p"\` from that [[mounts]] entry (virtiofs has no such limit), or \`chmod o+x ${dir}\``
          : `install virtiofsd (\`${hostFixCommand()}\`) so shares use virtiofs, or \`chmod o+x ${dir}\``,
      },
    );
  }
}
