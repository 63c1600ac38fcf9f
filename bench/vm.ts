/**
 * VM benchmarks, rum against its peers in one run on the e2e test image, one
 * guest at a time (software emulation on few cores: two guests would slow
 * each other): rounds of cold starts to ready, each contender once per round
 * with the starting contender rotated, stops timed after each; the warm
 * commands on the first round's guests. Every domain, volume, pool, box and
 * file made is removed at the end, also after a failure. Prints one JSON
 * document.   bun bench/vm.ts [COLD_RUNS] [WARM_RUNS]
 */
import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "pathe";
import { Cleanup } from "./lib/cleanup";
import { shutdownAndWait, VIRSH } from "./lib/guest";
import { run, type Stat, sample } from "./lib/proc";
import { ContentionLog, libvirtEpoch, waitQuiet } from "./lib/quiet";
import { vagrantBox, vagrantUp } from "./peers/vagrant";
import { type Booted, handTypedUp, IMAGES } from "./peers/virsh";
import { virtInstallUp } from "./peers/virt-install";
import type { RumCold, RumWarm } from "./rum-vm";
import { rumCold, rumDestroy, rumDown, rumProject, rumWarm } from "./rum-vm";

const coldRuns = Number(process.argv[2] ?? 3);
const warmRuns = Number(process.argv[3] ?? 15);
const root = resolve(import.meta.dir, "..");

type Cold = Pick<Booted, "leaseS" | "portS" | "sshS" | "cloudInitS" | "readyS"> & { upS?: number };
/** The timings only (not the keys, nor vagrant's environment). */
const strip = (b: Booted & { upS?: number }): Cold => ({
  leaseS: b.leaseS,
  portS: b.portS,
  sshS: b.sshS,
  cloudInitS: b.cloudInitS,
  readyS: b.readyS,
  ...(b.upS === undefined ? {} : { upS: b.upS }),
});
const result = {
  coldRuns,
  roundsDone: 0,
  warmRuns,
  quietWaitLeft: [] as string[],
  contention: [] as string[],
  rum: { cold: [] as RumCold[], down: [] as number[], warm: null as RumWarm | null },
  virsh: { cold: [] as Cold[], stop: [] as number[], domstate: null as Stat | null },
  virtInstall: { cold: [] as Cold[] },
  vagrant: {
    cold: [] as Cold[],
    halt: [] as number[],
    status: null as Stat | null,
    sshC: null as Stat | null,
  },
  errors: [] as string[],
  disturbed: [] as string[],
  cleanupFailures: [] as string[],
};

const image = (await run(["bash", join(root, "test/e2e/image/build.sh")])).stdout
  .trim()
  .split("\n")
  .pop() as string;
const work = mkdtempSync(join(tmpdir(), "rum-bench-vm-"));
const clean = await Cleanup.snapshot();
clean.file(work);
const contention = new ContentionLog();

/**
 * Runs one contender's round; a failure is recorded and the others go on. If
 * libvirt was restarted meanwhile, the samples the round added to `timed` are
 * moved out of the results into `disturbed`: they time the outage, not the tool.
 */
async function attempt(who: string, timed: unknown[][], fn: () => Promise<void>): Promise<void> {
  await contention.check();
  const epoch = await libvirtEpoch();
  const lengths = timed.map((a) => a.length);
  try {
    await fn();
  } catch (e) {
    result.errors.push(`${who}: ${(e as Error).message.slice(0, 600)}`);
    console.error(`bench: ${who} failed: ${(e as Error).message}`);
  } finally {
    const after = await libvirtEpoch();
    if (after !== epoch) {
      const dropped = timed.map((a, i) => a.splice(lengths[i] ?? 0));
      result.disturbed.push(`${who} (${epoch} → ${after}), excluded: ${JSON.stringify(dropped)}`);
    }
    await clean.peerPools();
  }
}

const onSignal = async () => {
  await clean.run();
  process.exit(130);
};
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);

try {
  result.quietWaitLeft = await waitQuiet(Number(process.env.BENCH_QUIET_MIN ?? 15));
  // "Image cached" for the peers: a copy of the test image next to their disks, like rum's pool copy.
  const base = join(IMAGES, "rumbench-base.qcow2");
  clean.file(base);
  copyFileSync(image, base);
  const rumP = rumProject(work, image);
  clean.add("rum destroy", () => rumDestroy(rumP));
  const vagrantOpts = await vagrantBox(work, base, clean);

  const timed: Record<string, unknown[][]> = {
    rum: [result.rum.cold, result.rum.down],
    "hand-typed virsh": [result.virsh.cold, result.virsh.stop],
    "virt-install": [result.virtInstall.cold],
    vagrant: [result.vagrant.cold, result.vagrant.halt],
  };
  const contenders: [string, (round: number) => Promise<void>][] = [
    [
      "rum",
      async (r) => {
        result.rum.cold.push(await rumCold(rumP));
        if (r === 0) result.rum.warm = await rumWarm(rumP, warmRuns);
        result.rum.down.push(await rumDown(rumP));
        await rumDestroy(rumP);
      },
    ],
    [
      "hand-typed virsh",
      async (r) => {
        const b = await handTypedUp(`rumbench-virsh-${r}`, base, join(work, `virsh-${r}`), clean);
        result.virsh.cold.push(strip(b));
        if (r === 0)
          result.virsh.domstate = await sample(warmRuns, [...VIRSH, "domstate", b.domain]);
        result.virsh.stop.push(await shutdownAndWait(b.domain));
      },
    ],
    [
      "virt-install",
      async (r) => {
        const b = await virtInstallUp(`rumbench-vi-${r}`, base, join(work, `vi-${r}`), clean);
        result.virtInstall.cold.push(strip(b));
        await run([...VIRSH, "destroy", b.domain]);
      },
    ],
    [
      "vagrant",
      async (r) => {
        const b = await vagrantUp(`rumbench-vg-${r}`, work, vagrantOpts, clean);
        result.vagrant.cold.push(strip(b));
        if (r === 0) {
          result.vagrant.status = await sample(
            Math.min(warmRuns, 5),
            ["vagrant", "status"],
            b.vagrant.opts,
          );
          result.vagrant.sshC = await sample(
            Math.min(warmRuns, 5),
            ["vagrant", "ssh", "-c", "true"],
            b.vagrant.opts,
          );
        }
        const halt = await run(["vagrant", "halt"], b.vagrant.opts);
        if (halt.code !== 0) throw new Error(`vagrant halt: exit ${halt.code}\n${halt.stderr}`);
        result.vagrant.halt.push(Math.round(halt.ms / 100) / 10);
        await run(["vagrant", "destroy", "-f"], b.vagrant.opts);
      },
    ],
  ];
  // BENCH_ONLY=rum,vagrant,… runs a subset (for working on one contender).
  const only = process.env.BENCH_ONLY?.split(",");
  // BENCH_VM_BUDGET_MIN: start no round that would, at the pace so far, end after the budget.
  const budgetMs = Number(process.env.BENCH_VM_BUDGET_MIN ?? Number.POSITIVE_INFINITY) * 60_000;
  const start = Date.now();
  for (let r = 0; r < coldRuns; r++) {
    const perRound = r === 0 ? 0 : (Date.now() - start) / r;
    if (Date.now() - start + perRound > budgetMs) break;
    for (let i = 0; i < contenders.length; i++) {
      const [who, fn] = contenders[(r + i) % contenders.length] as (typeof contenders)[number];
      if (only && !only.some((o) => who.includes(o))) continue;
      console.error(`bench: round ${r + 1}/${coldRuns}: ${who}`);
      await attempt(`${who}, round ${r + 1}`, timed[who] ?? [], () => fn(r));
    }
    result.roundsDone = r + 1;
  }
} catch (e) {
  result.errors.push(`setup: ${(e as Error).message.slice(0, 600)}`);
} finally {
  result.cleanupFailures = await clean.run();
  result.contention = [...contention.seen];
}
console.log(JSON.stringify(result, null, 2));
