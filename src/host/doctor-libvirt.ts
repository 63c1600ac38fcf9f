/**
 * The libvirt-side checks: the daemon answers at the URI, the `default`
 * network is active, the `rum` pool is usable. Network and pool only run once
 * libvirt answers, so a dead (or forbidden) daemon is reported once.
 */
import { readFile } from "node:fs/promises";
import { bad, good } from "./doctor-checks";
import type { Check } from "./doctor-types";
import { type RunResult, run } from "./proc";
import { isRemoteUri } from "./uri";

type Virsh = (args: string[]) => Promise<RunResult>;

export interface LibvirtCheckOptions {
  virshPath: string | null;
  uri: string;
  timeoutMs: number;
  /** The exact command that repairs the host, e.g. `sudo /usr/local/bin/rum doctor --fix`. */
  fixCommand: string;
  /** This process's uid and user name (tests pass their own). */
  uid: number;
  user: string | undefined;
  groupFile: string;
}

const failed = (r: RunResult) => r.exitCode !== 0 || r.timedOut;

/** virsh's own last word on why it failed. */
function why(r: RunResult): string {
  if (r.timedOut) return "virsh timed out (a hung libvirtd, or an unreachable remote host)";
  const last = r.stderr.trim().split("\n").filter(Boolean).at(-1);
  return last?.replace(/^error: /, "") ?? `exit code ${r.exitCode}`;
}

/** Refusals a normal user gets from the system socket: polkit without D-Bus, socket modes. */
const ACCESS_DENIED =
  /system bus|polkit|permission denied|authentication unavailable|not authorized|access denied/i;

/** The fix for a non-root user that libvirt turns away. */
async function accessFix(o: LibvirtCheckOptions): Promise<string> {
  const line = (await readFile(o.groupFile, "utf8").catch(() => ""))
    .split("\n")
    .find((l) => l.startsWith("libvirt:"));
  const gid = Number(line?.split(":")[2]);
  const listed = Boolean(o.user && line?.split(":")[3]?.split(",").includes(o.user));
  if (listed && !process.getgroups?.().includes(gid)) {
    return `you are in the libvirt group but this session is not: log in again or run \`newgrp libvirt\` (if it still fails: \`${o.fixCommand}\`)`;
  }
  return `\`${o.fixCommand}\` (adds you to the libvirt group and opens the socket to it), then log in again or run \`newgrp libvirt\``;
}

export async function checkLibvirt(o: LibvirtCheckOptions): Promise<Check[]> {
  const { uri } = o;
  // Their own fix would be the libvirt one again: reported as skipped, without a fix.
  const skipped = ["network", "pool"].map(
    (id): Check => ({ id, status: "warning", summary: "not checked: libvirt is not reachable" }),
  );
  if (!o.virshPath) {
    return [
      bad("libvirt", `cannot reach ${uri}: virsh is missing`, `\`${o.fixCommand}\``),
      ...skipped,
    ];
  }
  const path = o.virshPath;
  const virsh: Virsh = (args) =>
    run([path, "-c", uri, ...args], { timeoutMs: o.timeoutMs, allowFailure: true });
  const version = await virsh(["version"]);
  if (failed(version)) {
    let fix = `\`${o.fixCommand}\` (starts libvirtd)`;
    if (isRemoteUri(uri)) {
      fix =
        "check that the remote host is up, `ssh` to it works without a prompt and libvirtd runs there";
    } else if (o.uid !== 0 && ACCESS_DENIED.test(version.stderr)) {
      fix = await accessFix(o);
    }
    return [bad("libvirt", `cannot reach libvirt at ${uri}: ${why(version)}`, fix), ...skipped];
  }
  const hv = /Running hypervisor:\s*(.+)/.exec(version.stdout)?.[1]?.trim();
  const libvirt = good("libvirt", `libvirt reachable at ${uri}${hv ? ` (${hv})` : ""}`);
  return [libvirt, ...(await Promise.all([checkNetwork(virsh, o), checkPool(virsh, o)]))];
}

async function checkNetwork(virsh: Virsh, o: LibvirtCheckOptions): Promise<Check> {
  const r = await virsh(["net-info", "default"]);
  const start = `virsh -c ${o.uri} net-start default`;
  const local = isRemoteUri(o.uri) ? "" : ` (or \`${o.fixCommand}\`)`;
  if (failed(r)) {
    const define = `virsh -c ${o.uri} net-define /usr/share/libvirt/networks/default.xml`;
    const summary = `libvirt network "default" is not defined: ${why(r)}`;
    return bad("network", summary, `${define} && ${start}${local}`);
  }
  if (!/^Active:\s*yes/m.test(r.stdout)) {
    return bad("network", 'network "default" is not active', `${start}${local}`);
  }
  return good("network", 'libvirt network "default" is active');
}

async function checkPool(virsh: Virsh, o: LibvirtCheckOptions): Promise<Check> {
  const r = await virsh(["pool-info", "rum"]);
  if (/Storage pool not found|failed to get pool/i.test(r.stderr)) {
    return good("pool", 'storage pool "rum" not defined yet: will be created by rum up');
  }
  if (failed(r)) {
    const summary = `cannot inspect storage pool "rum": ${why(r)}`;
    return { ...bad("pool", summary, `\`${o.fixCommand}\``), status: "warning" };
  }
  if (!/^State:\s*running/m.test(r.stdout)) {
    const fix = `virsh -c ${o.uri} pool-start rum`;
    return { ...bad("pool", 'storage pool "rum" is not running', fix), status: "warning" };
  }
  return good("pool", 'storage pool "rum" is running');
}
