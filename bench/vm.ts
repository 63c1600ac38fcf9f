/**
 * VM benchmarks on the real libvirt with the e2e test image (software
 * emulation): a cold `rum up -d` with its phases, then, on the running guest,
 * each rum command against its hand-typed equivalent in the same run:
 * warm `rum exec -- true` vs a fresh `ssh … true` and `ssh` over the master;
 * `rum status` vs `virsh domstate`; a no-op `rum up` vs domstate + ssh;
 * `rum down` (ACPI) time. Prints one JSON document.   bun bench/vm.ts [N]
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "pathe";

const runs = Number(process.argv[2] ?? 15);
const root = resolve(import.meta.dir, "..");
const rumBin = join(root, "dist/rum");
const home = mkdtempSync(join(tmpdir(), "rum-bench-vm-"));
const env = {
  ...process.env,
  HOME: home,
  XDG_DATA_HOME: join(home, "data"),
  XDG_CACHE_HOME: join(home, "cache"),
  NO_COLOR: "1",
};
const image = Bun.spawnSync(["bash", join(root, "test/e2e/image/build.sh")])
  .stdout.toString()
  .trim()
  .split("\n")
  .pop() as string;
writeFileSync(
  join(home, "rum.toml"),
  `name = "bench"\n[image]\nbase = "${image}"\n[resources]\ncpus = 2\nmemory_mb = 1024\ndisk = "4G"\n[network]\nip_wait_timeout_s = 900\n[advanced]\ndomain_type = "qemu"\n`,
);

function time(argv: string[]): { ms: number; code: number; stderr: string; stdout: string } {
  const t = Bun.nanoseconds();
  const r = Bun.spawnSync(argv, { cwd: home, env, stdin: "ignore" });
  return {
    ms: (Bun.nanoseconds() - t) / 1e6,
    code: r.exitCode,
    stderr: r.stderr.toString(),
    stdout: r.stdout.toString(),
  };
}

function median(argv: string[]): { medianMs: number; minMs: number; maxMs: number } {
  const ms = Array.from({ length: runs }, () => {
    const r = time(argv);
    if (r.code !== 0) throw new Error(`${argv.join(" ")}: exit ${r.code}\n${r.stderr}`);
    return r.ms;
  }).sort((a, b) => a - b);
  const r1 = (n: number) => Math.round(n * 10) / 10;
  return {
    medianMs: r1(ms[Math.floor(runs / 2)] ?? 0),
    minMs: r1(ms[0] ?? 0),
    maxMs: r1(ms[runs - 1] ?? 0),
  };
}

const rum = (...args: string[]) => [rumBin, ...args];
try {
  const cold = time(rum("up", "-d"));
  if (cold.code !== 0) throw new Error(`rum up failed:\n${cold.stderr}`);
  const phases = [...cold.stderr.matchAll(/✔ (.+) \((\d+\.\d)s\)/g)].map((m) => ({
    phase: m[1],
    seconds: Number(m[2]),
  }));
  const s = JSON.parse(time(rum("status", "--json")).stdout);
  const stateDir = join(home, "data", "rum", s.domain);
  const base = [
    "-o",
    `IdentityFile=${join(stateDir, "id_ed25519")}`,
    "-o",
    "IdentitiesOnly=yes",
    "-o",
    `UserKnownHostsFile=${join(stateDir, "known_hosts")}`,
    "-o",
    `HostKeyAlias=${s.domain}`,
    "-o",
    "StrictHostKeyChecking=yes",
    "-o",
    "BatchMode=yes",
    "-o",
    "LogLevel=ERROR",
  ];
  const dest = `${s.ssh.user}@${s.ssh.address}`;
  const result = {
    runs,
    coldUp: { seconds: Math.round(cold.ms / 100) / 10, phases },
    execWarm: median(rum("exec", "--", "true")),
    sshFresh: median([
      "ssh",
      ...base,
      "-o",
      "ControlMaster=no",
      "-o",
      "ControlPath=none",
      dest,
      "true",
    ]),
    sshOverMaster: median([
      "ssh",
      ...base,
      "-o",
      `ControlPath=${join(stateDir, "ssh.sock")}`,
      dest,
      "true",
    ]),
    status: median(rum("status")),
    virshDomstate: median(["virsh", "-c", "qemu:///system", "domstate", s.domain]),
    noopUp: median(rum("up", "-d")),
    down: { seconds: Math.round(time(rum("down")).ms / 100) / 10 },
  };
  console.log(JSON.stringify(result, null, 2));
} finally {
  Bun.spawnSync(rum("destroy", "--yes"), { cwd: home, env });
  rmSync(home, { recursive: true, force: true });
}
