/**
 * The libvirt domain XML for one rum VM, built from a DomainSpec.
 */
import { checkSpec } from "./check";
import { devices } from "./devices";
import { rumMetadataElement } from "./metadata";
import type { DomainSpec } from "./spec";
import { el, renderXml, type XmlElement } from "./xml";

// KVM: the host CPU as is. TCG cannot pass a host CPU through, and which
// CPU it emulates decides how fast the guest boots (docs/domain-ab.md):
// `maximum` offers every extension TCG can emulate (AVX2, 5-level paging, …)
// and the guest's kernel and libraries take the paths slowest to emulate; an
// Intel model (Nehalem) is slower still, as the guest kernel then isolates
// page tables against Meltdown, a TLB flush on every syscall. QEMU's qemu64
// is an AMD CPU without those extensions, but it lacks what x86-64-v2 images
// (RHEL 9 and its kin) require; QEMU64_V2 adds just that. On aarch64 the virt
// machine's default CPU (cortex-a15) is 32-bit only; -cpu max is a full ARMv8+ core.
export const QEMU64_V2 = "qemu64-v2";
const X86_64_V2_FEATURES = ["hypervisor", "lahf_lm", "cx16", "ssse3", "sse4.1", "sse4.2", "popcnt"];
const TCG_AUTO = { x86_64: QEMU64_V2, aarch64: "maximum" } as const;

/** The CPU a spec asks for, `auto` resolved: `host-passthrough`, `maximum`, qemu64-v2 or a model name. */
export function cpuOf(spec: Pick<DomainSpec, "cpuModel" | "domainType" | "arch">): string {
  const asked = spec.cpuModel ?? "auto";
  if (asked !== "auto") return asked;
  return spec.domainType === "kvm" ? "host-passthrough" : TCG_AUTO[spec.arch];
}

function cpu(spec: DomainSpec): XmlElement {
  const model = cpuOf(spec);
  if (model === "host-passthrough" || model === "maximum") return el("cpu", { mode: model });
  const v2 = model === QEMU64_V2;
  // A named model, not checked against the host: TCG emulates what it lacks.
  return el("cpu", { mode: "custom", match: "exact", check: "none" }, [
    el("model", { fallback: "forbid" }, v2 ? "qemu64" : model),
    ...(v2 ? X86_64_V2_FEATURES.map((name) => el("feature", { policy: "require", name })) : []),
  ]);
}

function os(spec: DomainSpec): XmlElement {
  const type = el("type", { arch: spec.arch, machine: spec.machine }, "hvm");
  const boot = el("boot", { dev: "hd" });
  if (spec.firmware === "bios") return el("os", {}, [type, boot]);
  const loader = spec.uefiLoader;
  if (loader) {
    return el("os", {}, [
      type,
      el("loader", { readonly: "yes", type: "pflash" }, loader.code),
      el("nvram", { template: loader.varsTemplate }, spec.nvramPath || loader.nvramPath || null),
      boot,
    ]);
  }
  // Auto-selection from /usr/share/qemu/firmware/. Secure boot is turned off
  // explicitly: the secure-boot builds need SMM, which nested/TCG hosts may
  // lack, and rum's guests are not signed-boot images. Seen here: libvirt 9.0
  // then picks OVMF_CODE_4M.fd + OVMF_VARS_4M.fd when the domain starts.
  return el("os", { firmware: "efi" }, [
    type,
    el("firmware", {}, [el("feature", { enabled: "no", name: "secure-boot" })]),
    ...(spec.nvramPath ? [el("nvram", {}, spec.nvramPath)] : []),
    boot,
  ]);
}

function memoryBacking(spec: DomainSpec): XmlElement | null {
  // virtiofsd maps guest RAM, so it must be shared memory.
  if (!spec.mounts.some((m) => m.type === "virtiofs")) return null;
  return el("memoryBacking", {}, [
    el("source", { type: "memfd" }),
    el("access", { mode: "shared" }),
  ]);
}

/** The complete <domain> document; throws UsageError for values libvirt would refuse. */
export function domainXml(spec: DomainSpec): string {
  checkSpec(spec);
  const domain = el("domain", { type: spec.domainType }, [
    el("name", {}, spec.name),
    spec.uuid ? el("uuid", {}, spec.uuid) : null,
    spec.title ? el("title", {}, spec.title) : null,
    el("metadata", {}, [rumMetadataElement(spec.metadata)]),
    el("memory", { unit: "MiB" }, String(spec.memoryMiB)),
    el("currentMemory", { unit: "MiB" }, String(spec.memoryMiB)),
    memoryBacking(spec),
    el("vcpu", {}, String(spec.cpus)),
    cpu(spec),
    os(spec),
    // The APIC is the PC's interrupt controller; on aarch64 libvirt picks the GIC
    // version the host (KVM) or QEMU (TCG) supports.
    el("features", {}, [el("acpi"), spec.arch === "x86_64" && el("apic")]),
    el("on_poweroff", {}, "destroy"),
    el("on_reboot", {}, "restart"),
    el("on_crash", {}, "destroy"),
    devices(spec),
  ]);
  return `${renderXml(domain)}\n`;
}
