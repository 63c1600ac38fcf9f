/**
 * Image download benchmark: `dist/rum image pull` against `curl -o` followed by
 * `sha256sum` (what a careful script does), for the same file from the same
 * local test server, in one run, the two taking turns (and turns at going
 * first). Prints one JSON document: throughputs, their ratio, and rum's peak
 * RSS (must stay < 150 MB: the image is streamed, never buffered).
 *
 *   bun build.ts && bun bench/download.ts [SIZE_MIB] [REPEATS]
 */

import { randomBytes } from "node:crypto";
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "pathe";
import { startImageServer } from "../test/support/http-server";
import { median } from "./lib/stats";

const MiB = 1024 * 1024;
const rumBin = resolve(import.meta.dir, "../dist/rum");

export type Download = {
  sizeMiB: number;
  repeats: number;
  curl: { MiBps: number; downloadOnlyMiBps: number };
  rum: { MiBps: number; peakRssMiB: number; idleCommandPeakRssMiB: number };
  /** > 1: rum (download + verify) is faster than curl followed by sha256sum. */
  throughputRatio: number;
  throughputRatioDownloadOnly: number;
};

/** Mostly holes with a random MiB every 32 MiB: cheap to create, not trivially compressible. */
function makeImage(path: string, sizeMiB: number): void {
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

/** `repeats` downloads each of a `sizeMiB` file; medians of the times. */
export async function measureDownload(sizeMiB: number, repeats: number): Promise<Download> {
  const dir = mkdtempSync(join(tmpdir(), "rum-bench-download-"));
  const image = join(dir, "disk.raw");
  makeImage(image, sizeMiB);
  const srv = await startImageServer({ files: { "/disk.raw": image } });
  const url = `${srv.url}/disk.raw`;
  try {
    // Warm the page cache so neither side pays for the first read.
    await Bun.spawn(["cat", image], { stdout: "ignore" }).exited;
    const curlOut = join(dir, "curl.raw");
    const curlS: number[] = [];
    const curlTotalS: number[] = [];
    const rumS: number[] = [];
    let peakRssMiB = 0;
    const curlSide = async () => {
      const curl = await timed(["curl", "-sS", "-o", curlOut, url]);
      const sum = await timed(["sha256sum", curlOut]);
      rmSync(curlOut);
      curlS.push(curl.seconds);
      curlTotalS.push(curl.seconds + sum.seconds);
      return sum.stdout.split(" ")[0] as string;
    };
    const sha256 = await curlSide();
    const rumSide = async () => {
      // A fresh cache each time: a cached image would not be downloaded at all.
      const env = { XDG_CACHE_HOME: join(dir, `cache-${rumS.length}`), NO_COLOR: "1" };
      const rum = await timed([rumBin, "image", "pull", url, "--sha256", sha256], env);
      rmSync(env.XDG_CACHE_HOME, { recursive: true, force: true });
      rumS.push(rum.seconds);
      peakRssMiB = Math.max(peakRssMiB, rum.peakRssMiB);
    };
    for (let i = 0; i < repeats; i++) {
      if (i % 2 === 0) {
        await rumSide();
        if (i > 0) await curlSide();
      } else {
        await curlSide();
        await rumSide();
      }
    }
    const env = { XDG_CACHE_HOME: join(dir, "cache-idle"), NO_COLOR: "1" };
    const idle = await timed([rumBin, "image", "search", "ubuntu"], env); // the runtime's own footprint
    const mibps = (s: number) => sizeMiB / s;
    return {
      sizeMiB,
      repeats,
      curl: { MiBps: mibps(median(curlTotalS)), downloadOnlyMiBps: mibps(median(curlS)) },
      rum: { MiBps: mibps(median(rumS)), peakRssMiB, idleCommandPeakRssMiB: idle.peakRssMiB },
      throughputRatio: median(curlTotalS) / median(rumS),
      throughputRatioDownloadOnly: median(curlS) / median(rumS),
    };
  } finally {
    await srv.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const [size, repeats] = [Number(process.argv[2] ?? 1024), Number(process.argv[3] ?? 3)];
  console.log(JSON.stringify(await measureDownload(size, repeats), null, 2));
}
