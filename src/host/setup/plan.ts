/**
 * The whole plan, in stages, from facts alone (pure). Stage 1 installs
 * packages; what the rest must do depends on what got installed (unit files,
 * libvirtd.conf, the libvirt group), so a real run reads the facts again
 * before planning stage 2, and again before stage 3, which needs libvirt up.
 * A dry run cannot install, so it plans the later stages from a projection
 * of the host with the packages in place.
 */
import type { HostFacts } from "./facts";
import { installCommands } from "./packages";
import { planHost, planNetwork } from "./plan-host";
import { planLibvirt } from "./plan-libvirt";
import type { Step } from "./steps";

export const STAGES = 3;

export function planPackages(f: HostFacts): Step {
  const missing = f.packages.filter((p) => !f.installed.has(p));
  const commands = missing.length ? installCommands(f.family, missing) : [];
  return {
    id: "packages",
    title: missing.length
      ? `install ${missing.length} package${missing.length === 1 ? "" : "s"}: ${missing.join(" ")}`
      : `the ${f.packages.length} runtime packages are installed`,
    actions: commands.map((argv) => ({ kind: "run", argv })),
    after: [],
    byHand: commands.map((c) => c.join(" ")).join(" && ") || "nothing",
  };
}

/** Stage `n` (0-based) planned from facts read just before it. */
export function planStage(n: number, f: HostFacts): Step[] {
  if (n === 0) return [planPackages(f)];
  if (n === 1) return [...planLibvirt(f), ...planHost(f)];
  return [planNetwork(f)];
}

/**
 * The host as the packages step would leave it: all packages installed, the
 * libvirt group created by their install scripts. Everything else stays as
 * read: on a fresh host that is no unit files (so the distro default), no
 * daemons and no network; a running libvirt is assumed to keep running.
 */
function projectAfterPackages(f: HostFacts): HostFacts {
  const groups = f.groups.libvirt ? f.groups : { ...f.groups, libvirt: { gid: -1, members: [] } };
  return { ...f, installed: new Set(f.packages), groups };
}

/**
 * Every stage at once, for a dry run and for the one confirmation prompt.
 * After stage 2 libvirt is assumed up; its network is as the facts say, or
 * planned from scratch when libvirt could not be asked.
 */
export function planAll(f: HostFacts): Step[] {
  const later = projectAfterPackages(f);
  return [planPackages(f), ...planStage(1, later), ...planStage(2, later)];
}
