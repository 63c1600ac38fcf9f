/**
 * The libvirt domain XML for one rum VM, built from a DomainSpec.
 */
import { checkSpec } from "./check";
import { devices } from "./devices";
import { rumMetadataElement } from "./metadata";
import type { DomainSpec } from "./spec";
import { el, renderXml, type XmlElement } from "./xml";

// KVM: the host CPU as is. TCG cannot pass a host CPU through; it needs a
// model with what images built for x86-64-v2 and later require (the default
// qemu64 lacks SSE4.2 and POPCNT). Which one is a question of speed: see
// TCG_AUTO and docs/cpu-model.md. On aarch64 the virt machine's default CPU
// (cortex-a15) is 32-bit only; -cpu max is a full ARMv8+ core.
const TCG_AUTO = { x86_64: "maximum", aarch64: "maximum" } as const;

/** The CPU a spec asks for, `auto` resolved: `host-passthrough`, `maximum` or a model name. */
export function cpuOf(spec: Pick<DomainSpec, "cpuModel" | "domainType" | "arch">): string {
  const asked = spec.cpuModel ?? "auto";
  if (asked !== "auto") return asked;
  return spec.domainType === "kvm" ? "host-passthrough" : TCG_AUTO[spec.arch];
}

function cpu(spec: DomainSpec): XmlElement {
  const model = cpuOf(spec);
  if (model === "host-passthrough" || model === "maximum") return el("cpu", { mode: model });
  // A named model, not checked against the host: TCG emulates what it lacks.
  return el("cpu", { mode: "custom", match: "exact", check: "none" }, [
    el("model", { fallback: "forbid" }, model),
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
