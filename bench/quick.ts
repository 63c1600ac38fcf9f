/**
 * `bun run bench:quick`, run by CI: the benchmarks that need no VM and no
 * peer (start-up against a compiled hello-world, the ISO writer against the
 * allocate + copy floor, a 256 MiB download against curl + sha256sum), each
 * judged as a ratio to its baseline measured in the same run, never as an
 * absolute time: the CI host's speed and load cancel out. Exits 1 when a
 * ratio is past its limit in two measurements in a row (one busy moment on a
 * loaded 2-core host must not fail CI; a real regression fails both).
 * Expects dist/rum (bun run build).
 */
import { measureDownload } from "./download";
import { measureIso } from "./iso";
import { buildHello } from "./lib/hello";
import { QUICK_LIMITS, type QuickCheck } from "./quick-limits";
import { HELLO, measureStartup, RUM } from "./startup";

if (!(await Bun.file(RUM).exists())) {
  console.error("bench:quick: no dist/rum; run `bun run build` first");
  process.exit(2);
}
const t0 = Date.now();
await buildHello(HELLO);

/** One measurement of every quick figure, by the name its limit has. */
async function measure(): Promise<Record<QuickCheck, number>> {
  const s = measureStartup(30);
  const iso = measureIso(32, 100, 7);
  const d = await measureDownload(256, 3);
  return {
    versionOverHello: s.versionMinRatio,
    validateOverHello: s.validateMinRatio,
    isoOverFloor: iso.payloadOverFloor,
    rumOverCurl: 1 / d.throughputRatio, // rum's time over curl + sha256sum's
    downloadPeakRssMB: (d.rum.peakRssMiB * 2 ** 20) / 1e6,
  };
}

const first = await measure();
const over = (m: Record<QuickCheck, number>) =>
  (Object.keys(QUICK_LIMITS) as QuickCheck[]).filter((k) => m[k] > QUICK_LIMITS[k].limit);
let failed = over(first);
const second = failed.length ? await measure() : null;
if (second) failed = failed.filter((k) => over(second).includes(k));

for (const k of Object.keys(QUICK_LIMITS) as QuickCheck[]) {
  const l = QUICK_LIMITS[k];
  const seen = [first[k], ...(second && over(first).includes(k) ? [second[k]] : [])];
  const verdict = failed.includes(k) ? "FAIL" : "ok";
  console.log(
    `${verdict.padEnd(4)} ${l.what}: ${seen.map((v) => v.toFixed(2)).join(", then ")} (limit ${l.limit}${l.unit})`,
  );
}
console.log(`bench:quick: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
if (failed.length) {
  console.error(`bench:quick: regression in ${failed.join(", ")} (past the limit twice in a row)`);
  process.exit(1);
}
