/**
 * The one observer every contender is timed by, rum included: started just
 * before a contender's first command and running beside it, it notes when
 * the guest's DHCP lease appears in libvirt, port 22 opens, an SSH login
 * works and `cloud-init status --wait` returns, each in seconds from that
 * first command. So a tool's own waits (rum's phases, `vagrant up`) never set
 * its milestones, and every milestone is on the same clock.
 *
 * It reads libvirt's own files instead of running virsh, so a 100 ms poll
 * costs the emulated guests next to nothing: the running domains' status XML
 * under /run/libvirt/qemu, and the default network's lease file (what
 * `virsh net-dhcp-leases` prints).
 */
import { readdirSync, readFileSync } from "node:fs";
import { createConnection } from "node:net";
import { join } from "pathe";
import { type Keys, sshArgv, VIRSH } from "./guest";
import { must, poll, run } from "./proc";

/** How often each milestone is checked, in ms; the doc reads them from the result. */
export const POLL_MS = { domain: 100, lease: 100, port: 100, ssh: 200 } as const;

const LIVE = "/run/libvirt/qemu";

export type Milestones = {
  leaseS: number;
  portS: number;
  sshS: number;
  cloudInitS: number;
};
export type Seen = Milestones & { domain: string; ip: string };

/** What was there before the contender's first command: a lease or guest then is not its own. */
export type Before = { leaseFile: string; leases: Set<string>; domains: Set<string> };

export type Target = {
  /** Whether a newly running domain is the contender's. */
  isOwn: (domain: string) => boolean;
  /** The keys to log in with, once the contender has made them. */
  keys: (domain: string) => Keys | undefined;
};

type Lease = { "ip-address": string; "mac-address": string; "expiry-time": number };

function leases(file: string): Lease[] {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Lease[];
  } catch {
    return []; // dnsmasq's helper replaces the file; a read can catch it empty
  }
}
// A renewed lease keeps its address but gets a new expiry: both identify a grant.
const grant = (l: Lease) => `${l["mac-address"]} ${l["ip-address"]} ${l["expiry-time"]}`;

function liveDomains(): string[] {
  try {
    return readdirSync(LIVE)
      .filter((f) => f.endsWith(".xml"))
      .map((f) => f.slice(0, -4));
  } catch {
    return [];
  }
}

export async function before(): Promise<Before> {
  const info = await must([...VIRSH, "net-info", "default"]);
  const bridge = /^Bridge:\s+(\S+)/m.exec(info.stdout)?.[1];
  if (!bridge) throw new Error(`no bridge for libvirt's default network:\n${info.stdout}`);
  const leaseFile = `/var/lib/libvirt/dnsmasq/${bridge}.status`;
  return {
    leaseFile,
    leases: new Set(leases(leaseFile).map(grant)),
    domains: new Set(liveDomains()),
  };
}

function portOpen(ip: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host: ip, port: 22, timeout: 1000 });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.once("connect", () => done(true));
    s.once("error", () => done(false));
    s.once("timeout", () => done(false));
  });
}

// Software emulation under load: a boot can take minutes; beyond this it is broken.
const TIMEOUT_S = 900;

/** Watches from `t0` (Bun.nanoseconds) until the contender's guest is ready. */
export async function watch(
  target: Target,
  was: Before,
  t0: number,
  signal: AbortSignal,
): Promise<Seen> {
  const at = () => (Bun.nanoseconds() - t0) / 1e9;
  const domain = await poll(
    "the guest to run",
    () => liveDomains().find((d) => !was.domains.has(d) && target.isOwn(d)),
    POLL_MS.domain,
    TIMEOUT_S,
    signal,
  );
  const mac = await poll(
    `${domain}'s MAC address`,
    () => {
      try {
        return /<mac address=['"]([0-9a-f:]+)['"]/.exec(
          readFileSync(join(LIVE, `${domain}.xml`), "utf8"),
        )?.[1];
      } catch {
        return undefined;
      }
    },
    POLL_MS.domain,
    TIMEOUT_S,
    signal,
  );
  const ip = await poll(
    `a new DHCP lease for ${mac}`,
    () => {
      const l = leases(was.leaseFile).find(
        (x) => x["mac-address"] === mac && !was.leases.has(grant(x)),
      );
      return l?.["ip-address"];
    },
    POLL_MS.lease,
    TIMEOUT_S,
    signal,
  );
  const leaseS = at();
  await poll(
    `port 22 on ${ip}`,
    async () => ((await portOpen(ip)) ? true : undefined),
    POLL_MS.port,
    TIMEOUT_S,
    signal,
  );
  const portS = at();
  const keys = await poll(
    "the contender's SSH keys",
    () => target.keys(domain),
    POLL_MS.ssh,
    TIMEOUT_S,
    signal,
  );
  await poll(
    `an SSH login on ${ip}`,
    async () => ((await run(sshArgv(keys, ip, "true"))).code === 0 ? true : undefined),
    POLL_MS.ssh,
    TIMEOUT_S,
    signal,
  );
  const sshS = at();
  const ci = await run(sshArgv(keys, ip, "cloud-init", "status", "--wait"));
  if (ci.code !== 0)
    throw new Error(`cloud-init status --wait: exit ${ci.code}\n${ci.stdout}${ci.stderr}`);
  return { domain, ip, leaseS, portS, sshS, cloudInitS: at() };
}
