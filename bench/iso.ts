/**
 * Benchmarks rum's ISO 9660 writer: a typical 3-file cloud-init seed (median
 * of 200 writes) and throughput on a 64 MiB payload (median of 5 writes).
 * Prints one JSON object on stdout.
 *
 * Large writes into fresh memory are bounded by the kernel faulting in new
 * pages, so the payload is also timed into a reused buffer (layoutIso) and
 * against the floor any writer pays: allocating 64 MiB and copying into it.
 */
import { layoutIso, writeIso } from "../src/seed/iso9660/writer";

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? 0)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function timeRuns(runs: number, fn: () => unknown): number[] {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = Bun.nanoseconds();
    fn();
    times.push((Bun.nanoseconds() - start) / 1e6);
  }
  return times;
}

const text = new TextEncoder();
const date = new Date("2024-01-01T00:00:00Z");
const seed = [
  { path: "meta-data", data: text.encode("instance-id: bench\nlocal-hostname: bench\n") },
  { path: "user-data", data: text.encode(`#cloud-config\n${"# padding line\n".repeat(100)}`) },
  { path: "network-config", data: text.encode("version: 2\nethernets: {}\n") },
];

const payloadBytes = 64 * 1024 * 1024;
const payload = new Uint8Array(payloadBytes);
for (let i = 0; i < payload.length; i += 4096) payload[i] = i & 0xff;
const big = [...seed, { path: "payload.bin", data: payload }];

// Warm up the JIT so the medians measure steady-state code.
timeRuns(20, () => writeIso({ volumeId: "CIDATA", files: seed, date }));
timeRuns(1, () => writeIso({ volumeId: "CIDATA", files: big, date }));

const seedMs = median(timeRuns(200, () => writeIso({ volumeId: "CIDATA", files: seed, date })));
const bigMs = median(timeRuns(5, () => writeIso({ volumeId: "CIDATA", files: big, date })));
const layout = layoutIso({ volumeId: "CIDATA", files: big, date });
const reused = new Uint8Array(layout.size);
layout.writeTo(reused);
const reusedMs = median(
  timeRuns(5, () => layoutIso({ volumeId: "CIDATA", files: big, date }).writeTo(reused)),
);
const floorMs = median(
  timeRuns(5, () => new Uint8Array(layout.size).set(payload, layout.size - payloadBytes)),
);

const gbps = (ms: number) => Number((payloadBytes / 1e9 / (ms / 1000)).toFixed(2));
console.log(
  JSON.stringify({
    seed3FilesMedianMs: Number(seedMs.toFixed(4)),
    payload64MiBMedianMs: Number(bigMs.toFixed(2)),
    payload64MiBThroughputGBps: gbps(bigMs),
    payload64MiBReusedBufferMedianMs: Number(reusedMs.toFixed(2)),
    payload64MiBReusedBufferGBps: gbps(reusedMs),
    freshAllocPlusCopyFloorMs: Number(floorMs.toFixed(2)),
  }),
);
