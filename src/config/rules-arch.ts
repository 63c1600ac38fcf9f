/**
 * `[advanced]` settings that cannot work for the guest's arch, caught before
 * libvirt refuses the domain (or the guest never boots). Runs on the values
 * after the arch's defaults (src/config/arch.ts), so only an explicit clash is
 * reported.
 */
import type { Problem } from "./problems";
import type { Rule } from "./rule";

// QEMU's PC machine types: q35, pc, pc-i440fx-*, pc-q35-*, microvm, isapc.
const X86_MACHINE = /^(q35|pc|pc-.*|isapc|microvm)$/;

export const archRule: Rule = {
  reads: ["advanced.arch", "advanced.machine", "advanced.firmware"],
  check(config) {
    const { arch, machine, firmware } = config.advanced;
    if (arch === "x86_64" && machine === "virt") {
      return [
        {
          path: ["advanced", "machine"],
          message: '"virt" is an aarch64 machine type; x86_64 guests use "q35" (the default)',
        },
      ];
    }
    if (arch !== "aarch64") return [];
    const problems: Problem[] = [];
    if (X86_MACHINE.test(machine)) {
      problems.push({
        path: ["advanced", "machine"],
        message: `"${machine}" is an x86_64 machine type; aarch64 guests use "virt" (the default when machine is unset)`,
      });
    }
    if (firmware === "bios") {
      problems.push({
        path: ["advanced", "firmware"],
        message:
          'must be "uefi" for aarch64: an aarch64 guest boots only from UEFI firmware (AAVMF)',
      });
    }
    return problems;
  },
};
