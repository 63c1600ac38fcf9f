/**
 * rum's side of the VM benchmarks, on the e2e test image with the same guest
 * size as the peers (2 vCPUs, 1 GiB, 4 GiB disk, domain type qemu): a cold
 * `rum up -d` with its phases, the warm commands against their hand-typed
 * equivalents on the same guest, and `rum down`. rum keeps its state in a
 * private HOME, so nothing of the user's is read or touched.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "pathe";
import { VIRSH } from "./lib/guest";
import { must, type RunOptions, run, type Stat, sample } from "./lib/proc";

const rumBin = resolve(import.meta.dir, "../dist/rum");
const rum = (...args: string[]) => [rumBin, ...args];

export type RumCold = { readyS: number; phases: { phase: string; seconds: number }[] };
export type RumWarm = {
  execWarm: Stat;
  sshFresh: Stat;
  sshOverMaster: Stat;
  status: Stat;
  virshDomstate: Stat;
  noopUp: Stat;
};

/** A private HOME with the bench rum.toml; returns how to run rum in it. */
export function rumProject(work: string, image: string): RunOptions {
  const home = join(work, "rum");
  mkdirSync(home, { recursive: true });
  writeFileSync(
    join(home, "rum.toml"),
    `name = "bench"\n[image]\nbase = "${image}"\n[resources]\ncpus = 2\nmemory_mb = 1024\ndisk = "4G"\n[network]\nip_wait_timeout_s = 900\n[advanced]\ndomain_type = "qemu"\n`,
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

export async function rumCold(p: RunOptions): Promise<RumCold> {
  const cold = await must(rum("up", "-d"), p);
  const phases = [...cold.stderr.matchAll(/✔ (.+) \((\d+\.\d)s\)/g)].map((m) => ({
    phase: m[1] as string,
    seconds: Number(m[2]),
  }));
  return { readyS: Math.round(cold.ms / 100) / 10, phases };
}

/** Warm commands on the running guest, each against its baseline in the same minute. */
export async function rumWarm(p: RunOptions, runs: number): Promise<RumWarm> {
  const s = JSON.parse((await must(rum("status", "--json"), p)).stdout);
  const stateDir = join(p.cwd as string, "data", "rum", s.domain);
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
  return {
    execWarm: await sample(runs, rum("exec", "--", "true"), p),
    sshFresh: await sample(runs, [
      ...ssh,
      ...o("ControlMaster=no"),
      ...o("ControlPath=none"),
      dest,
      "true",
    ]),
    sshOverMaster: await sample(runs, [
      ...ssh,
      ...o(`ControlPath=${join(stateDir, "ssh.sock")}`),
      dest,
      "true",
    ]),
    status: await sample(runs, rum("status"), p),
    virshDomstate: await sample(runs, [...VIRSH, "domstate", s.domain]),
    noopUp: await sample(runs, rum("up", "-d"), p),
  };
}

export async function rumDown(p: RunOptions): Promise<number> {
  return Math.round((await must(rum("down"), p)).ms / 100) / 10;
}

export async function rumDestroy(p: RunOptions): Promise<void> {
  await run(rum("destroy", "--yes"), p);
}
