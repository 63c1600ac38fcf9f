/**
 * The logs `rum log` shows besides the serial console (console-log.ts): the
 * guest's provisioning logs (read over SSH) and rum's own log.
 */
import { join } from "pathe";
import { guestRun, requireTarget } from "../guest/session";
import { PROVISION_PATHS, type ProvisionKind } from "../seed/cloudinit/guest-paths";
import type { Vm } from "./context";

export function rumLogPath(vm: Vm): string {
  return join(vm.logDir, "rum.log");
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
