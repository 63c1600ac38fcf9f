/**
 * What `rum up` checks before it does any work (no download, no volume, no
 * key): the tools it runs here, and what this config needs of the host (KVM
 * device, OVMF, virtiofsd; the checks `rum doctor` grades the same way).
 * libvirt's own reachability is the first virsh call's business
 * (Virsh.explain). Nothing here spawns a process: it runs on every `rum up`.
 */

import { RumError } from "../errors";
import { preflight as hostNeeds } from "../host/doctor-needs";
import { hostFixCommand } from "../host/fix-hint";
import type { Vm } from "./context";

/** Tools rum runs on this machine: virsh for libvirt, qemu-img on downloaded images, ssh for the guest. */
const LOCAL_TOOLS = ["virsh", "qemu-img", "ssh", "ssh-keygen"];

export async function preflight(vm: Vm): Promise<void> {
  const fix = hostFixCommand();
  const missing = LOCAL_TOOLS.filter((t) => Bun.which(t) === null);
  if (missing.length > 0) {
    throw new RumError(`this host is not ready for rum: ${missing.join(", ")} not found on PATH`, {
      hint: `run \`${fix}\` (it installs libvirt, QEMU and OpenSSH and starts libvirt)`,
    });
  }
  const [first, ...more] = await hostNeeds(vm.loaded, vm.virsh.uri, fix);
  if (first) {
    throw new RumError(`this host cannot run this VM: ${first.summary}`, {
      details: more.map((c) => c.summary),
      hint: [first, ...more].map((c) => c.fix).join("; "),
    });
  }
}
