/**
 * The logs `rum log` shows: the serial console (a host file libvirt writes),
 * the guest's provisioning logs (read over SSH), and rum's own log.
 */
import { access, constants } from "node:fs/promises";
import { join } from "pathe";
import { RumError } from "../errors";
import { guestRun, requireTarget } from "../guest/session";
import { PROVISION_PATHS, type ProvisionKind } from "../seed/cloudinit/guest-paths";
import type { Vm } from "./context";
import { serialLogPath } from "./domain-spec";

export function rumLogPath(vm: Vm): string {
  return join(vm.logDir, "rum.log");
}

/** The console log, checked readable (libvirt's log dir is root-only). */
export async function consoleLog(vm: Vm): Promise<string> {
  if (!/^qemu:\/\/\/(system|session)$/.test(vm.virsh.uri)) {
    throw new RumError("the serial console log is on the remote libvirt host", {
      hint: `read ${serialLogPath(vm)} there, or attach with \`virsh -c ${vm.virsh.uri} console ${vm.domain}\``,
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
