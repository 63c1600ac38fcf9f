/**
 * `bun run bench`: build, run every benchmark in one go on this machine, and
 * write docs/benchmarks.md (machine, method, figures with their spreads, each
 * target met or not by a stated rule). Each benchmark is its own script
 * printing JSON, so it can be run alone too.
 *   BENCH_ROUNDS=n            VM rounds (default 3; fewer give no verdicts)
 *   BENCH_VM_JSON=file        rewrite the doc from a kept VM result instead of booting
 *   BENCH_LOCAL_JSON=file     the same for the guest-local part (bench/guest-local.ts)
 * Every part's raw result is kept in docs/benchmarks/ beside the doc, committed with
 * it: each figure can be checked against the samples it came from.
 */
import { cpus, totalmem } from "node:os";
import { resolve } from "pathe";
import { localSection } from "./doc-local";
import { vmSection } from "./doc-vm";
import type { Download } from "./download";
import type { Iso } from "./iso";
import type { LocalResult } from "./lib/local-result";
import type { VmResult } from "./lib/vm-result";
import type { Startup } from "./startup";

const root = resolve(import.meta.dir, "..");
const rawDir = resolve(root, "docs/benchmarks");

async function keep<T>(name: string, result: T): Promise<T> {
  await Bun.write(resolve(rawDir, `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
  return result;
}

async function json<T>(argv: string[]): Promise<T> {
  const p = Bun.spawn(argv, { cwd: root, stdout: "pipe", stderr: "inherit" });
  const out = await new Response(p.stdout).text();
  if ((await p.exited) !== 0) throw new Error(`${argv.join(" ")} failed`);
  return JSON.parse(out) as T;
}

const ok = (met: boolean) => (met ? "met" : "**missed**");

// Read a kept VM result before the build, which empties dist/.
const keptPath = process.env.BENCH_VM_JSON;
const kept = keptPath ? ((await Bun.file(keptPath).json()) as VmResult) : null;
if (kept && kept.schema !== 3) {
  console.error(
    `${keptPath}: a VM result of an older bench (its stops are not paired on one guest); run the VM part again`,
  );
  process.exit(1);
}
const keptLocalPath = process.env.BENCH_LOCAL_JSON;
const keptLocal = keptLocalPath ? ((await Bun.file(keptLocalPath).json()) as LocalResult) : null;
if (keptLocal && keptLocal.schema !== 1) {
  console.error(
    `${keptLocalPath}: not a guest-local result of this bench; run bench/guest-local.ts again`,
  );
  process.exit(1);
}
if ((await Bun.spawn(["bun", "build.ts"], { cwd: root, stdout: "inherit" }).exited) !== 0)
  process.exit(1);

const startup = await keep("startup", await json<Startup>(["bun", "bench/startup.ts", "40"]));
const iso = await keep("iso", await json<Iso>(["bun", "bench/iso.ts"]));
const download = await keep(
  "download",
  await json<Download>(["bun", "bench/download.ts", "1024", "3"]),
);
const canRunVms = Bun.spawnSync(["virsh", "-c", "qemu:///system", "version"]).exitCode === 0;
// The peers are installed only where they can be run, and before any guest boots.
if (
  canRunVms &&
  !kept &&
  (await Bun.spawn(["sh", "bench/setup-peers.sh"], { cwd: root }).exited) !== 0
)
  process.exit(1);
// The doc can be rewritten from a kept VM result without booting again:
// BENCH_VM_JSON=docs/benchmarks/vm.json bun run bench.
async function vmResult(): Promise<VmResult | null> {
  if (kept) return keep("vm", kept);
  if (!canRunVms) return null;
  return keep(
    "vm",
    await json<VmResult>(["bun", "bench/vm.ts", process.env.BENCH_ROUNDS ?? "3", "15"]),
  );
}
const vm = await vmResult();
// After the VM part, on the same quiet host: one guest, its watcher and forwards.
async function localResult(): Promise<LocalResult | null> {
  if (keptLocal) return keep("local", keptLocal);
  if (!canRunVms) return null;
  return keep("local", await json<LocalResult>(["bun", "bench/guest-local.ts"]));
}
const local = await localResult();
const size = Bun.file(resolve(root, "dist/rum")).size;
const rev = (await Bun.$`git -C ${root} rev-parse --short HEAD`.nothrow().quiet().text()).trim();

const msS = (s: Startup["hello"]) =>
  `${s.median.toFixed(1)} ms (${s.min.toFixed(1)}–${s.max.toFixed(1)})`;
const startupRow = (what: string, s: Startup["version"], ratio: number, min: number, t: number) =>
  `| ${what} | ${msS(s)} | hello-world: ${msS(startup.hello)} | ≤ ${t}× hello-world | ${ok(ratio <= t)} (${ratio.toFixed(2)}× by medians; ${min.toFixed(2)}× by fastest runs) |`;
// Said on a hit as on a miss: how close the writer is to what any writer pays.
const floorNote = ` (${iso.payloadOverFloor.toFixed(2)}× the allocate + copy floor${iso.payloadOverFloor <= 1.1 ? ": page faults, not the writer, set the pace" : ""})`;

const doc = `# Benchmarks

Written by \`bun run bench\` (bench/run.ts) on ${new Date().toISOString().slice(0, 10)}, rum at ${rev}.
Machine: ${cpus().length} × ${cpus()[0]?.model ?? "?"}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Linux.
Figures are medians with min–max; every baseline is measured in the same run, taking turns with rum.
Each part's raw samples are in docs/benchmarks/ (startup, iso, download, vm, local .json).

| what | rum | baseline (same run) | target | |
|---|---|---|---|---|
${startupRow("`rum --version` start-up", startup.version, startup.versionRatio, startup.versionMinRatio, 1.5)}
${startupRow("`rum validate` (load + check config)", startup.validate, startup.validateRatio, startup.validateMinRatio, 2.5)}
| seed ISO (3 files) | ${iso.seed3FilesMedianMs.toFixed(3)} ms | — | < 5 ms | ${ok(iso.seed3FilesMedianMs < 5)} |
| ISO writer, ${iso.payloadMiB} MiB payload | ${iso.payloadThroughputGBps.toFixed(2)} GB/s (${iso.payloadMedianMs.toFixed(1)} ms) | allocate + copy: ${iso.freshAllocPlusCopyFloorMs.toFixed(1)} ms | ≥ 1 GB/s | ${ok(iso.payloadThroughputGBps >= 1)}${floorNote} |
| ISO writer, ${iso.payloadMiB} MiB into a reused buffer | ${iso.payloadReusedBufferGBps.toFixed(2)} GB/s | — | — | |
| image download + sha256, ${download.sizeMiB} MiB, local HTTP | ${download.rum.MiBps.toFixed(1)} MiB/s | curl -o + sha256sum: ${download.curl.MiBps.toFixed(1)} MiB/s; curl alone: ${download.curl.downloadOnlyMiBps.toFixed(1)} MiB/s | ≥ 0.9× curl + sha256sum | ${ok(download.throughputRatio >= 0.9)} (${download.throughputRatio.toFixed(2)}× curl + sha256sum; ${download.throughputRatioDownloadOnly.toFixed(2)}× curl alone, which verifies nothing) |
| peak RSS of that download | ${download.rum.peakRssMiB.toFixed(1)} MiB | — | < 150 MB | ${ok(download.rum.peakRssMiB * 2 ** 20 < 150e6)} |
| binary size | ${(size / 2 ** 20).toFixed(1)} MiB | hello-world: ${(Bun.file(resolve(root, "dist/bench-hello")).size / 2 ** 20).toFixed(1)} MiB | — | |

Method: start-up is ${startup.runs} spawns each of rum and of a one-line Bun program compiled
the way build.ts compiles rum (bench/lib/hello.ts), in turn; a start-up target is judged on the
ratio of medians. The ISO figures are medians of 200 seeds and 5 large writes, each large write
timed in turn with allocating + copying as much (bench/iso.ts: writing into fresh memory is
bounded by the kernel faulting in pages). The download is \`rum image pull\` against \`curl -o\`
then \`sha256sum\` for the same file from the same loopback server, ${download.repeats} times each in turn,
page cache warm (bench/download.ts). \`bun run bench:quick\` (bench/quick.ts) runs a short form
of these in CI and fails on a regression past the limits in bench/quick-limits.ts.

${vm ? vmSection(vm, keptPath ? { reusedFrom: keptPath } : {}) : "VM benchmarks were skipped: libvirt is not reachable on this host."}

${local ? localSection(local, keptLocalPath ? { reusedFrom: keptLocalPath } : {}) : "The guest-local benchmark (issue #19) was skipped: libvirt is not reachable on this host."}`;
await Bun.write(resolve(root, "docs/benchmarks.md"), doc);
console.log(doc);
