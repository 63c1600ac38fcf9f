/**
 * The logs `rum log` shows: the serial console (a host file libvirt writes),
 * the guest's provisioning logs (read over SSH), and rum's own log.
 */
import { access, constants } from "node:fs/promises";
import { join } from "pathe";
import { RumError } from "../errors";
import { guestRun, requireTarget } from "../guest/session";
import { isRemoteUri } from "../host/uri";
import { PROVISION_PATHS, type ProvisionKind } from "../seed/cloudinit/guest-paths";
import type { Vm } from "./context";
import { serialLogPath } from "./domain-spec";

export function rumLogPath(vm: Vm): string {
  return join(vm.logDir, "rum.log");
}

/** libvirt writes the console log on its own host: readable here only for a local URI. */
export function consoleLogIsHere(vm: Vm): boolean {
  return !isRemoteUri(vm.virsh.uri);
}

/** Where to read the console of a VM on a remote libvirt host. */
export function remoteConsoleHint(vm: Vm): string {
  return `read ${serialLogPath(vm)} on the libvirt host (${vm.virsh.uri}), or attach with \`virsh -c ${vm.virsh.uri} console ${vm.domain}\``;
}

/** The console log, checked readable (libvirt's log dir is root-only). */
export async function consoleLog(vm: Vm): Promise<string> {
  if (!consoleLogIsHere(vm)) {
    throw new RumError("the serial console log is a file on the remote libvirt host, not here", {
      hint: remoteConsoleHint(vm),
    });
  }
  const path = serialLogPath(vm);
  try {
    await access(path, constants.R_OK);
  } catch {
    throw new RumError(`cannot read the console log ${path}`, {
      hint: "it exists once the VM has booted; libvirt's log folder is readable by root only (use sudo)",
    });
  }
  return path;
}

export interface GuestLog {
  kind: ProvisionKind;
  path: string;
  exitCode: number | null;
  text: string;
}

/** Provisioning logs and their last exit codes, from the running guest. */
export async function provisioningLogs(vm: Vm): Promise<GuestLog[]> {
  const target = await requireTarget(vm);
  const kinds = (["system", "boot"] as const).filter((k) => vm.loaded.config.provision[k]);
  return Promise.all(
    kinds.map(async (kind) => {
      const p = PROVISION_PATHS[kind];
      const [log, exit] = await Promise.all([
        guestRun(target, ["sudo", "cat", p.log]),
        guestRun(target, ["sudo", "cat", p.exit]),
      ]);
      const code = Number.parseInt(exit.stdout, 10);
      return { kind, path: p.log, exitCode: Number.isNaN(code) ? null : code, text: log.stdout };
    }),
  );
}
