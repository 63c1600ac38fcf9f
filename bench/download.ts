/**
 * Image download benchmark: `dist/rum image pull` against `curl -o` followed by
 * `sha256sum` (what a careful script does), for the same 1 GiB file from the
 * same local test server, in one run. Prints one JSON document:
 * throughputs, their ratio, and rum's peak RSS (must stay < 150 MB: the image is
 * streamed, never buffered).
 *
 *   bun build.ts && bun bench/download.ts [SIZE_MIB]
 */

import { randomBytes } from "node:crypto";
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "pathe";
import { startImageServer } from "../test/support/http-server";

const MiB = 1024 * 1024;
const sizeMiB = Number(process.argv[2] ?? 1024);
const rumBin = resolve(import.meta.dir, "../dist/rum");
const dir = mkdtempSync(join(tmpdir(), "rum-bench-download-"));

/** Mostly holes with a random MiB every 32 MiB: cheap to create, not trivially compressible. */
function makeImage(path: string): void {
  const fd = openSync(path, "w");
  ftruncateSync(fd, sizeMiB * MiB);
  for (let off = 0; off < sizeMiB * MiB; off += 32 * MiB)
    writeSync(fd, randomBytes(MiB), 0, MiB, off);
  closeSync(fd);
}

async function timed(argv: string[], env: Record<string, string> = {}) {
  const start = performance.now();
  const child = Bun.spawn(argv, {
    env: { ...process.env, ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  let hwmKiB = 0;
  // VmHWM is the kernel's peak-RSS mark for the process; read it until the process exits.
  const poll = setInterval(async () => {
    const status = await Bun.file(`/proc/${child.pid}/status`)
      .text()
      .catch(() => "");
    hwmKiB = Math.max(hwmKiB, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
  }, 20);
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  clearInterval(poll);
  if (code !== 0) throw new Error(`${argv.join(" ")} failed (${code}):\n${stderr}`);
  return { seconds: (performance.now() - start) / 1000, stdout, peakRssMiB: hwmKiB / 1024 };
}

const image = join(dir, "disk.raw");
makeImage(image);
const srv = await startImageServer({ files: { "/disk.raw": image } });
const url = `${srv.url}/disk.raw`;
try {
  // Warm the page cache so neither side pays for the first read.
  await Bun.spawn(["cat", image], { stdout: "ignore" }).exited;
  const curlOut = join(dir, "curl.raw");
  const curl = await timed(["curl", "-sS", "-o", curlOut, url]);
  const sum = await timed(["sha256sum", curlOut]);
  const sha256 = sum.stdout.split(" ")[0] as string;
  rmSync(curlOut);
  const env = { XDG_CACHE_HOME: join(dir, "cache"), NO_COLOR: "1" };
  const rum = await timed([rumBin, "image", "pull", url, "--sha256", sha256], env);
  const idle = await timed([rumBin, "image", "search", "ubuntu"], env); // the runtime's own footprint
  const bytes = sizeMiB * MiB;
  const mibps = (s: number) => Math.round((bytes / MiB / s) * 10) / 10;
  const curlTotal = curl.seconds + sum.seconds;
  const round = (n: number) => Math.round(n * 10) / 10;
  console.log(
    JSON.stringify(
      {
        sizeMiB,
        curl: {
          downloadSeconds: curl.seconds,
          sha256sumSeconds: sum.seconds,
          MiBps: mibps(curlTotal),
          downloadOnlyMiBps: mibps(curl.seconds),
        },
        rum: {
          seconds: rum.seconds,
          MiBps: mibps(rum.seconds),
          peakRssMiB: round(rum.peakRssMiB),
          idleCommandPeakRssMiB: round(idle.peakRssMiB),
        },
        // > 1: rum (download + verify) is faster than curl followed by sha256sum.
        throughputRatio: Math.round((curlTotal / rum.seconds) * 100) / 100,
        throughputRatioDownloadOnly: Math.round((curl.seconds / rum.seconds) * 100) / 100,
        rssUnder150MB: rum.peakRssMiB * MiB < 150e6,
      },
      null,
      2,
    ),
  );
} finally {
  await srv.stop();
  rmSync(dir, { recursive: true, force: true });
}
