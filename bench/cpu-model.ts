/**
 * Which guest CPU should `[advanced] cpu_model = "auto"` give a TCG guest?
 * The same rum, the same test image and config, only the CPU differs; the
 * variants boot one at a time, their order rotating per round, each timed by
 * one clock from `rum up -d` to ready, with rum's own phases beside it. The
 * result is written to docs/cpu-model.md.
 *
 *   bun bench/cpu-model.ts [ROUNDS] [MODEL…]    (default: 3 rounds, maximum Westmere Nehalem)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "pathe";

const ROOT = join(import.meta.dir, "..");
const RUM = join(ROOT, "dist", "rum");
const rounds = Number(process.argv[2] ?? 3);
const models = process.argv.slice(3).length
  ? process.argv.slice(3)
  : ["maximum", "Westmere", "Nehalem"];

function testImage(): string {
  const r = Bun.spawnSync(["bash", join(ROOT, "test/e2e/image/build.sh")], { stderr: "inherit" });
  return r.stdout.toString().trim().split("\n").pop() as string;
}

interface Boot {
  model: string;
  round: number;
  readyS: number;
  phases: Record<string, number>;
  /** The host's 1-minute load average as the boot started: other work steals emulation's CPU. */
  load: number;
}

const home = mkdtempSync(join(tmpdir(), "rum-cpu-ab-"));
const env = { ...process.env, HOME: home, XDG_DATA_HOME: join(home, "data"), NO_COLOR: "1" };
const image = testImage();

async function rum(dir: string, ...args: string[]): Promise<{ code: number; err: string }> {
  const child = Bun.spawn([RUM, ...args], { cwd: dir, env, stdout: "ignore", stderr: "pipe" });
  const err = await new Response(child.stderr).text();
  return { code: await child.exited, err };
}

/** rum's "✔ waiting for SSH port on … (22.8s)" lines → phase → seconds. */
function phases(stderr: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of stderr.matchAll(/(?:✔|\[success\])\s+(.+?) \((\d+\.\d)s\)/g)) {
    out[(m[1] as string).replace(/ on \S+$/, "")] = Number(m[2]);
  }
  return out;
}

async function boot(model: string, round: number): Promise<Boot> {
  const dir = join(home, `ab-${model.toLowerCase()}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "rum.toml"),
    `name = "cpu-ab-${model.toLowerCase()}"
[image]
base = "${image}"
[resources]
cpus = 2
memory_mb = 1024
disk = "4G"
[network]
ip_wait_timeout_s = 900
[advanced]
domain_type = "qemu"
cpu_model = "${model}"
`,
  );
  const load = loadavg()[0] ?? 0;
  const t0 = performance.now();
  const up = await rum(dir, "up", "-d");
  const readyS = (performance.now() - t0) / 1000;
  if (up.code !== 0) throw new Error(`${model}: rum up failed:\n${up.err}`);
  await rum(dir, "destroy", "--yes");
  return { model, round, readyS, phases: phases(up.err), load };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

const boots: Boot[] = [];
try {
  for (let r = 0; r < rounds; r++) {
    const order = models.map((_, i) => models[(i + r) % models.length] as string);
    for (const model of order) {
      console.error(`cpu-model: round ${r + 1}/${rounds}: ${model}`);
      boots.push(await boot(model, r + 1));
    }
  }
} finally {
  rmSync(home, { recursive: true, force: true });
}

const rev = Bun.spawnSync(["git", "rev-parse", "--short", "HEAD"], { cwd: ROOT })
  .stdout.toString()
  .trim();
const rows = models.map((model) => {
  const mine = boots.filter((b) => b.model === model);
  const ready = mine.map((b) => b.readyS);
  const after = mine.map(
    (b) =>
      (b.phases["waiting for SSH port"] ?? 0) +
      (b.phases["waiting for SSH login"] ?? 0) +
      (b.phases["waiting for cloud-init to finish"] ?? 0),
  );
  const lease = mine.map((b) => b.phases["waiting for an IP address"] ?? 0);
  const fmt = (xs: number[]) =>
    `${median(xs).toFixed(1)} s (${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)})`;
  const each = mine.map((b) => `${b.readyS.toFixed(1)} (load ${b.load.toFixed(1)})`).join(", ");
  return `| \`${model}\` | ${fmt(ready)} | ${fmt(lease)} | ${fmt(after)} | ${each} |`;
});
const doc = `# Guest CPU under software emulation

Written by \`bun bench/cpu-model.ts\` on ${new Date().toISOString().slice(0, 10)}, rum at ${rev}.
The same test image and rum.toml (2 vCPUs, 1 GiB, \`domain_type = "qemu"\`) booted with
each \`[advanced] cpu_model\`, one guest at a time, the order rotating per round
(${rounds} rounds). "Ready" is \`rum up -d\` returning (SSH works, cloud-init done), timed
by one clock around the command; the lease and lease-to-ready columns are rum's own phase times.
Each variant keeps its name across rounds, so from round 2 on libvirt still holds the previous
instance's lease for the same MAC: rum's address phase can end at once on it and the port wait
then follows the guest to its new lease. Compare the ready column. Medians, with min–max; each
round's time is shown with the host's 1-minute load average when that boot started (2 cores:
a load above ~1 means other work was taking CPU from the emulated guest).

| cpu_model | ready | DHCP lease | lease to ready | every round (s, host load) |
|---|---|---|---|---|
${rows.join("\n")}
`;
writeFileSync(join(ROOT, "docs/cpu-model.md"), doc);
console.log(doc);
