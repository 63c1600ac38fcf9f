/**
 * What `rum up` checks before it does any work (no download, no volume): the
 * tools it runs here and, for a local KVM guest, the KVM device. libvirt's own
 * reachability is the first virsh call's business (Virsh.explain). Nothing here
 * spawns a process: it runs on every `rum up`, including the no-op one.
 */
import { accessSync, constants, existsSync } from "node:fs";
import { RumError } from "../errors";
import { hostFixCommand } from "../host/fix-hint";
import { isRemoteUri } from "../host/uri";
import type { Vm } from "./context";

const KVM_DEVICE = "/dev/kvm";

/** Tools rum runs on this machine: virsh for libvirt, qemu-img on downloaded images, ssh for the guest. */
const LOCAL_TOOLS = ["virsh", "qemu-img", "ssh", "ssh-keygen"];

export function preflight(vm: Vm, kvmDevice = KVM_DEVICE): void {
  const missing = LOCAL_TOOLS.filter((t) => Bun.which(t) === null);
  if (missing.length > 0) {
    throw new RumError(`this host is not ready for rum: ${missing.join(", ")} not found on PATH`, {
      hint: `run \`${hostFixCommand()}\` (it installs libvirt, QEMU and OpenSSH and starts libvirt)`,
    });
  }
  const uri = vm.virsh.uri;
  if (vm.loaded.config.advanced.domain_type !== "kvm" || isRemoteUri(uri)) return;
  const problem = kvmProblem(kvmDevice, uri.endsWith("/session"));
  if (problem) {
    throw new RumError(`this host cannot run KVM guests: ${problem}`, {
      hint: `enable hardware virtualization (VT-x/AMD-V, or nested KVM in a VM) and run \`${hostFixCommand()}\`, or set [advanced] domain_type = "qemu" in ${vm.loaded.path} (software emulation, much slower)`,
    });
  }
}

/**
 * Under qemu:///system QEMU runs as libvirt's own user, so the device only has
 * to exist; a session guest runs as this user, who then needs read/write access.
 */
function kvmProblem(device: string, session: boolean): string | null {
  if (!existsSync(device)) return `${device} does not exist`;
  if (!session) return null;
  try {
    accessSync(device, constants.R_OK | constants.W_OK);
    return null;
  } catch {
    return `${device} is not read/writable by this user (join the kvm group)`;
  }
}
