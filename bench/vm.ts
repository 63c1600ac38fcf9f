/**
 * VM benchmarks, rum against its peers in one run on the e2e test image, one
 * guest at a time (software emulation on few cores: two guests would slow
 * each other): ROUNDS rounds (3 unless told) in which every contender does a
 * cold start to ready, the first contender rotating per round, every one
 * timed by the same poller (lib/poller.ts) from its first command; then the
 * warm commands on rum's guest and a graceful stop of each, every round.
 * Every contender's image is on the libvirt host before its clock starts.
 * Every domain, volume, pool, box and file made is removed at the end, also
 * after a failure. Prints one JSON document (lib/vm-result.ts).
 *   bun bench/vm.ts [ROUNDS] [WARM_RUNS]
 */
import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "pathe";
import { Cleanup } from "./lib/cleanup";
import { STOP_POLL_MS, shutdownAndWait, VIRSH } from "./lib/guest";
import { buildHello, VIRSH_FLOOR_SOURCE } from "./lib/hello";
import { before, POLL_MS, watch } from "./lib/poller";
import { must, run } from "./lib/proc";
import { ContentionLog, libvirtEpoch, waitQuiet } from "./lib/quiet";
import { CONTENDERS, type ContenderKey, type Round, type VmResult } from "./lib/vm-result";
import { boxUploadedDuring, vagrant, vagrantBox } from "./peers/vagrant";
import { type Captured, type Contender, captureRum, handTyped, IMAGES } from "./peers/virsh";
import { virtInstall } from "./peers/virt-install";
import {
  type Phase,
  pairedStops,
  rumCold,
  rumDestroy,
  rumDomain,
  rumProject,
  rumStateDir,
  rumWarm,
  STOP_EXECS,
} from "./rum-vm";

const rounds = Number(process.argv[2] ?? 3);
const warmRuns = Number(process.argv[3] ?? 15);
const root = resolve(import.meta.dir, "..");

const result: VmResult = {
  schema: 3,
  revision: (await run(["git", "-C", root, "rev-parse", "--short", "HEAD"])).stdout.trim(),
  date: new Date().toISOString(),
  rounds,
  roundsDone: 0,
  warmRuns,
  pollMs: { ...POLL_MS },
  stopPollMs: STOP_POLL_MS,
  stopExecs: STOP_EXECS,
  quietWaitLeft: [],
  contention: [],
  cold: { rum: [], handTyped: [], virtInstall: [], vagrant: [] },
  rumPhases: [],
  stop: { rum: [], virsh: [], virshHandTyped: [], vagrant: [] },
  warm: [],
  vagrantWarm: { status: [], sshC: [] },
  errors: [],
  disturbed: [],
  cleanupFailures: [],
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
 * Times one cold start: the poller starts just before the contender's first
 * command and runs beside it; ready is the later of the poller seeing
 * cloud-init done and the contender's last command exiting.
 */
async function cold(c: Contender, round: number, position: number): Promise<Round> {
  const was = await before();
  const stop = new AbortController();
  const t0 = Bun.nanoseconds();
  const seen = watch(c.target, was, t0, stop.signal);
  seen.catch(() => {}); // awaited below; a failed contender stops it first
  try {
    await c.commands();
  } catch (e) {
    stop.abort();
    throw e;
  }
  const returnedS = (Bun.nanoseconds() - t0) / 1e9;
  const m = await seen;
  return {
    round,
    position,
    leaseS: m.leaseS,
    portS: m.portS,
    sshS: m.sshS,
    cloudInitS: m.cloudInitS,
    returnedS,
    readyS: Math.max(m.cloudInitS, returnedS),
  };
}

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
  // Every contender's image on the host before any clock starts: the peers'
  // base next to their disks, rum's base imported into its pool, vagrant's box
  // added and in its pool (vagrantBox).
  const base = join(IMAGES, "rumbench-base.qcow2");
  clean.file(base);
  copyFileSync(image, base);
  const rumP = rumProject(work, image);
  const missing = rumProject(work, image, "bench-missing");
  clean.add("rum destroy", () => rumDestroy(rumP));
  await must(["bun", join(root, "bench/lib/rum-import.ts"), image, rumP.cwd as string], rumP);
  const vagrantOpts = await vagrantBox(work, base, clean);
  const floor = join(work, "bun-virsh");
  await buildHello(floor, VIRSH_FLOOR_SOURCE);
  let captured: Captured | undefined;

  const timed: Record<ContenderKey, unknown[][]> = {
    rum: [result.cold.rum, result.rumPhases, result.warm, result.stop.rum, result.stop.virsh],
    handTyped: [result.cold.handTyped, result.stop.virshHandTyped],
    virtInstall: [result.cold.virtInstall],
    vagrant: [
      result.cold.vagrant,
      result.stop.vagrant,
      result.vagrantWarm.status,
      result.vagrantWarm.sshC,
    ],
  };
  const contenders: Record<ContenderKey, (r: number, position: number) => Promise<void>> = {
    rum: async (r, position) => {
      const phases: Phase[] = [];
      result.cold.rum.push(await cold(rumCold(rumP, phases), r, position));
      result.rumPhases.push(phases);
      const domain = await rumDomain(rumP);
      captured ??= await captureRum(domain, rumStateDir(rumP, domain), join(work, "captured"));
      result.warm.push(await rumWarm(rumP, missing, warmRuns, floor));
      const stops = await pairedStops(rumP, domain, r);
      result.stop.rum.push(stops.rum);
      result.stop.virsh.push(stops.virsh);
      await rumDestroy(rumP);
    },
    handTyped: async (r, position) => {
      if (!captured)
        throw new Error("the hand-typed guest needs rum's domain from a rum round first");
      const name = `rumbench-virsh-${r}`;
      const round = await cold(
        handTyped(name, base, captured, join(work, name), clean),
        r,
        position,
      );
      result.cold.handTyped.push(round);
      result.stop.virshHandTyped.push(await shutdownAndWait(name));
    },
    virtInstall: async (r, position) => {
      const name = `rumbench-vi-${r}`;
      result.cold.virtInstall.push(
        await cold(virtInstall(name, base, join(work, name), clean), r, position),
      );
      await run([...VIRSH, "destroy", name]);
    },
    vagrant: async (r, position) => {
      const strays = boxUploadedDuring();
      const v = vagrant(`rumbench-vg-${r}`, work, vagrantOpts, clean);
      const round = await cold(v, r, position);
      const uploaded = boxUploadedDuring().filter((f) => !strays.includes(f));
      if (uploaded.length)
        throw new Error(
          `vagrant uploaded its box inside the timed run (${uploaded.join(", ")}), not timed as cached`,
        );
      result.cold.vagrant.push(round);
      for (let i = 0; i < 3; i++) {
        result.vagrantWarm.status.push((await must(["vagrant", "status"], v.opts)).ms);
        result.vagrantWarm.sshC.push((await must(["vagrant", "ssh", "-c", "true"], v.opts)).ms);
      }
      const halt = await must(["vagrant", "halt"], v.opts);
      result.stop.vagrant.push(halt.ms / 1000);
      await run(["vagrant", "destroy", "-f"], v.opts);
    },
  };
  // BENCH_ONLY=rum,vagrant,… runs a subset (for working on one contender).
  const only = process.env.BENCH_ONLY?.split(",");
  // BENCH_VM_BUDGET_MIN: start no round that would, at the pace so far, end after the budget.
  const budgetMs = Number(process.env.BENCH_VM_BUDGET_MIN ?? Number.POSITIVE_INFINITY) * 60_000;
  const start = Date.now();
  for (let r = 0; r < rounds; r++) {
    const perRound = r === 0 ? 0 : (Date.now() - start) / r;
    if (Date.now() - start + perRound > budgetMs) break;
    const order = CONTENDERS.map((_, i) => CONTENDERS[(r + i) % CONTENDERS.length] as ContenderKey);
    for (const [position, who] of order.entries()) {
      if (only && !only.includes(who)) continue;
      console.error(`bench: round ${r + 1}/${rounds}: ${who}`);
      await attempt(`${who}, round ${r + 1}`, timed[who], () => contenders[who](r, position));
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
