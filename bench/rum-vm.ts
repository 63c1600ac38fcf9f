/**
 * rum's side of the VM benchmarks, on the e2e test image with the same guest
 * size as the peers (2 vCPUs, 1 GiB, 4 GiB disk, domain type qemu): a cold
 * `rum up -d` (timed by the poller like every contender; rum's own phase
 * times kept beside), the warm commands against their hand-typed
 * equivalents on the same guest, and `rum down`. rum keeps its state in a
 * private HOME, so nothing of the user's is read or touched.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "pathe";
import { controlPathFor } from "../src/guest/ssh-control-path";
import { shutdownAndWait, VIRSH } from "./lib/guest";
import { must, type RunOptions, run } from "./lib/proc";
import type { Contender } from "./peers/virsh";

const rumBin = resolve(import.meta.dir, "../dist/rum");
const rum = (...args: string[]) => [rumBin, ...args];

export type Phase = { phase: string; seconds: number };

/** Warm samples of one round, ms, taken in turn so load drifts hit all alike. */
export type Warm = {
  execWarm: number[];
  sshOverMaster: number[];
  sshFresh: number[];
  status: number[];
  virshDomstate: number[];
  statusMissing: number[];
  virshDomstateMissing: number[];
  /** A compiled Bun program running `virsh domstate` (lib/hello.ts): the floor of status. */
  bunVirsh: number[];
  bunVirshMissing: number[];
  noopUp: number[];
  /** `virsh domstate` then ssh over the master, timed as one sequence. */
  noopBaseline: number[];
};

/**
 * A private HOME with the bench rum.toml named `name`; returns how to run rum in it.
 * `more.network` adds keys to [network], `more.extra` whole tables at the end.
 */
export function rumProject(
  work: string,
  image: string,
  name = "bench",
  more: { network?: string; extra?: string } = {},
): RunOptions {
  const home = join(work, name);
  mkdirSync(home, { recursive: true });
  writeFileSync(
    join(home, "rum.toml"),
    `name = "${name}"\n[image]\nbase = "${image}"\n[resources]\ncpus = 2\nmemory_mb = 1024\ndisk = "4G"\n[network]\nip_wait_timeout_s = 900\n${more.network ?? ""}[advanced]\ndomain_type = "qemu"\n${more.extra ?? ""}`,
  );
  const env = {
    ...process.env,
    HOME: home,
    XDG_DATA_HOME: join(home, "data"),
    XDG_CACHE_HOME: join(home, "cache"),
    NO_COLOR: "1",
  };
  return { cwd: home, env };
}

/** Where rum keeps the state (keys, known_hosts, SSH master) of `domain`. */
export const rumStateDir = (p: RunOptions, domain: string) =>
  join(p.cwd as string, "data", "rum", domain);

/** A cold `rum up -d`; rum's phases land in `phases` when it returns. */
export function rumCold(p: RunOptions, phases: Phase[]): Contender {
  return {
    // rum names its domain rum-<name>-<id>; the keys are in its state folder once it made them.
    target: {
      isOwn: (d) => d.startsWith("rum-bench-"),
      keys: (d) => {
        const dir = rumStateDir(p, d);
        const known = join(dir, "known_hosts");
        return Bun.file(known).size > 0
          ? { dir, clientKey: join(dir, "id_ed25519"), knownHosts: known, alias: d }
          : undefined;
      },
    },
    commands: async () => {
      const cold = await must(rum("up", "-d"), p);
      for (const m of cold.stderr.matchAll(/✔ (.+) \((\d+\.\d)s\)/g))
        phases.push({ phase: m[1] as string, seconds: Number(m[2]) });
    },
  };
}

export async function rumDomain(p: RunOptions): Promise<string> {
  return JSON.parse((await must(rum("status", "--json"), p)).stdout).domain as string;
}

/**
 * Warm commands on the running guest, each against its baseline, `runs`
 * times in turn. `missing` is a project whose VM was never created; `floor`
 * the compiled Bun program that runs `virsh domstate` (lib/hello.ts).
 */
export async function rumWarm(
  p: RunOptions,
  missing: RunOptions,
  runs: number,
  floor: string,
): Promise<Warm> {
  const s = JSON.parse((await must(rum("status", "--json"), p)).stdout);
  const stateDir = rumStateDir(p, s.domain);
  const o = (v: string) => ["-o", v];
  const ssh = [
    "ssh",
    ...o(`IdentityFile=${join(stateDir, "id_ed25519")}`),
    ...o("IdentitiesOnly=yes"),
    ...o(`UserKnownHostsFile=${join(stateDir, "known_hosts")}`),
    ...o(`HostKeyAlias=${s.domain}`),
    ...o("StrictHostKeyChecking=yes"),
    ...o("BatchMode=yes"),
    ...o("LogLevel=ERROR"),
  ];
  const dest = `${s.ssh.user}@${s.ssh.address}`;
  const master = controlPathFor(stateDir, s.domain);
  const overMaster = [...ssh, ...o(`ControlPath=${master}`), dest, "true"];
  const fresh = [...ssh, ...o("ControlMaster=no"), ...o("ControlPath=none"), dest, "true"];
  const w: Warm = {
    execWarm: [],
    sshOverMaster: [],
    sshFresh: [],
    status: [],
    virshDomstate: [],
    statusMissing: [],
    virshDomstateMissing: [],
    bunVirsh: [],
    bunVirshMissing: [],
    noopUp: [],
    noopBaseline: [],
  };
  const ms = async (argv: string[], opts?: RunOptions) => (await must(argv, opts)).ms;
  // A missing VM is an answer, not a failure: its exit code is not asked.
  const anyExit = async (argv: string[], opts?: RunOptions) => (await run(argv, opts)).ms;
  for (let i = 0; i < runs; i++) {
    w.execWarm.push(await ms(rum("exec", "--", "true"), p));
    w.sshOverMaster.push(await ms(overMaster));
    w.sshFresh.push(await ms(fresh));
    w.status.push(await ms(rum("status"), p));
    w.virshDomstate.push(await ms([...VIRSH, "domstate", s.domain]));
    w.statusMissing.push(await anyExit(rum("status"), missing));
    w.virshDomstateMissing.push(await anyExit([...VIRSH, "domstate", "rumbench-missing"]));
    w.bunVirsh.push(await ms([floor, VIRSH[2] as string, s.domain]));
    w.bunVirshMissing.push(await anyExit([floor, VIRSH[2] as string, "rumbench-missing"]));
    w.noopUp.push(await ms(rum("up", "-d"), p));
    const t = Bun.nanoseconds();
    await must([...VIRSH, "domstate", s.domain]);
    await must(overMaster);
    w.noopBaseline.push((Bun.nanoseconds() - t) / 1e6);
  }
  return w;
}

/** `rum down`, seconds. */
export async function rumDown(p: RunOptions): Promise<number> {
  return (await must(rum("down"), p)).ms / 1000;
}

/** How many `rum exec -- true` each paired stop follows (as a user's session would). */
export const STOP_EXECS = 15;

/**
 * `rum down` against `virsh shutdown` + polled wait on the same guest in the
 * same state: each follows a restart by `rum up -d`, STOP_EXECS execs and 2 s
 * idle; which goes first alternates by round. Seconds. (Compared on two
 * guests, one after the warm runs and one right after its first ready, the
 * stops differed by the guests' state, not by the tools.)
 */
export async function pairedStops(
  p: RunOptions,
  domain: string,
  round: number,
): Promise<{ rum: number; virsh: number }> {
  await must(rum("down"), p);
  const out = { rum: 0, virsh: 0 };
  for (const who of round % 2 === 0 ? (["rum", "virsh"] as const) : (["virsh", "rum"] as const)) {
    await must(rum("up", "-d"), p);
    for (let i = 0; i < STOP_EXECS; i++) await must(rum("exec", "--", "true"), p);
    await Bun.sleep(2000);
    out[who] = who === "rum" ? await rumDown(p) : await shutdownAndWait(domain);
  }
  return out;
}

export async function rumDestroy(p: RunOptions): Promise<void> {
  await run(rum("destroy", "--yes"), p);
}
