/**
 * `[[mounts]]` → host folders shared into the guest. virtiofs when the host
 * has virtiofsd (fast, needs shared memory), 9p otherwise or when asked.
 */
import { existsSync } from "node:fs";
import { resolveMountSource } from "../config/mount-source";
import { mountTag } from "../config/semantic";
import { UsageError } from "../errors";
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
  return loaded.config.mounts.map((m) => ({
    tag: m.tag ?? mountTag(m),
    hostPath: resolveMountSource(loaded, m),
    target: m.target,
    readonly: m.readonly,
    type: m.type ?? (virtiofs ? "virtiofs" : "9p"),
    default: m.default,
  }));
}
