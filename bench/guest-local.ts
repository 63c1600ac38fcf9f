/**
 * The guest-local benchmark (issue #19's targets): ONE rum guest (e2e test
 * image, domain type qemu) with an `inotify = true` mount of a 10,000-file
 * tree and `[network] auto_forward`, measuring (b) the watcher's RSS and idle
 * CPU on that tree, (a) host writes until the guest's inotifywait reports
 * them, (c) guest listeners until the host's 127.0.0.1:PORT answers. The
 * guest is destroyed and every file removed at the end, also after a
 * failure or a signal. Prints one JSON document (lib/local-result.ts).
 *   bun bench/guest-local.ts [CYCLES=25] [FORWARDS=5] [IDLE_S=30]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "pathe";
import { VIRSH } from "./lib/guest";
import { FORWARD_POLL_MS, freePort, timeForward } from "./lib/local-forward";
import { measureWatcher } from "./lib/local-idle";
import type { LocalResult } from "./lib/local-result";
import { GAP_MS, installInotifyTools, timeWrites } from "./lib/local-writes";
import { must, run } from "./lib/proc";
import { clockTicksPerS } from "./lib/proc-stat";
import { ContentionLog, libvirtEpoch } from "./lib/quiet";
import { rumDestroy, rumProject } from "./rum-vm";

const cycles = Number(process.argv[2] ?? 25);
const forwardRounds = Number(process.argv[3] ?? 5);
const idleS = Number(process.argv[4] ?? 30);
const TREE_DIRS = 100;
const TREE_PER_DIR = 100;
const root = resolve(import.meta.dir, "..");
const RUM = [resolve(root, "dist/rum")];

const result: LocalResult = {
  schema: 1,
  revision: (await run(["git", "-C", root, "rev-parse", "--short", "HEAD"])).stdout.trim(),
  date: new Date().toISOString(),
  treeFiles: TREE_DIRS * TREE_PER_DIR,
  writes: [],
  gapMs: GAP_MS,
  watcher: {
    pid: 0,
    peakRssBytes: Number.NaN,
    scanRssMaxBytes: Number.NaN,
    childrenRssBytes: Number.NaN,
    idle: [],
    clockTicksPerS: clockTicksPerS(),
  },
  forwards: [],
  forwardPollMs: FORWARD_POLL_MS,
  contention: [],
  errors: [],
  cleanupFailures: [],
};

const work = mkdtempSync(join(tmpdir(), "rum-bench-local-"));
const image = (await must(["bash", resolve(root, "test/e2e/image/build.sh")])).stdout.trim();
const share = join(work, "benchlocal", "share");
const p = rumProject(work, image, "benchlocal", {
  network: "auto_forward = true\n",
  extra: `[[mounts]]\nsource = "share"\ntarget = "/mnt/w"\ninotify = true\n`,
});
// The tree the watcher must carry: TREE_DIRS folders of TREE_PER_DIR small files.
for (let d = 0; d < TREE_DIRS; d++) {
  const dir = join(share, "tree", `d${d}`);
  mkdirSync(dir, { recursive: true });
  for (let f = 0; f < TREE_PER_DIR; f++) writeFileSync(join(dir, `f${f}.txt`), `${d}/${f}\n`);
}

let domain = "";
let cleaned = false;
async function cleanup(): Promise<void> {
  if (cleaned) return;
  cleaned = true;
  await rumDestroy(p);
  // rum destroy removes its domain and volumes; a domain still there is removed by hand.
  if (domain && (await run([...VIRSH, "dominfo", domain])).code === 0) {
    result.cleanupFailures.push(`rum destroy left ${domain}; removed with virsh`);
    await run([...VIRSH, "destroy", domain]);
    await run([...VIRSH, "undefine", domain, "--remove-all-storage"]);
  }
  rmSync(work, { recursive: true, force: true });
}
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.on(signal, () => void cleanup().finally(() => process.exit(130)));

const contention = new ContentionLog();
const step = async (what: string, fn: () => Promise<void>) => {
  await contention.check();
  try {
    await fn();
  } catch (e) {
    result.errors.push(`${what}: ${(e as Error).message}`);
  }
};

const epoch = await libvirtEpoch();
try {
  await contention.check();
  await must([...RUM, "up", "-d"], p);
  const status = JSON.parse((await must([...RUM, "status", "--json"], p)).stdout);
  domain = status.domain;
  const pid = status.watcher?.pid as number | undefined;
  if (!status.watcher?.running || !pid) throw new Error("rum up left no running watcher");
  await step("watcher on the tree", async () => {
    result.watcher = await measureWatcher(
      pid,
      5000,
      Math.ceil(idleS / 5),
      5,
      result.watcher.clockTicksPerS,
    );
  });
  await step("inotify-tools in the guest", () => installInotifyTools(RUM, p, work));
  await step("writes", async () => {
    result.writes = await timeWrites(RUM, p, join(share, "lat"), "/mnt/w/lat", cycles);
  });
  await step("auto_forward", async () => {
    for (let i = 0; i < forwardRounds; i++) {
      const port = await freePort();
      result.forwards.push({ port, ms: await timeForward(RUM, p, port, 15_000) });
    }
  });
} catch (e) {
  result.errors.push((e as Error).message);
} finally {
  await contention.check();
  result.contention = [...contention.seen];
  // A restarted libvirtd or dnsmasq takes the guest's tap off the bridge (see lib/quiet.ts).
  const after = await libvirtEpoch();
  if (after !== epoch) result.errors.push(`disturbed: ${epoch} before, ${after} after`);
  try {
    await cleanup();
  } catch (e) {
    result.cleanupFailures.push((e as Error).message);
  }
}
console.log(JSON.stringify(result, null, 2));
