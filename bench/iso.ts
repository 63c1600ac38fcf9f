/**
 * Benchmarks rum's ISO 9660 writer: a typical 3-file cloud-init seed and
 * throughput on a large payload, each the median of several writes.
 * Prints one JSON object on stdout.   bun bench/iso.ts
 *
 * Large writes into fresh memory are bounded by the kernel faulting in new
 * pages, so the payload is also timed into a reused buffer (layoutIso) and
 * against the floor any writer pays: allocating as much and copying into it,
 * timed in turn with the writer so both see the same host.
 */
import { layoutIso, writeIso } from "../src/seed/iso9660/writer";
import { median } from "./lib/stats";

export type Iso = {
  payloadMiB: number;
  seed3FilesMedianMs: number;
  payloadMedianMs: number;
  payloadThroughputGBps: number;
  payloadReusedBufferGBps: number;
  freshAllocPlusCopyFloorMs: number;
  /** The writer's median over the floor's, from the same interleaved writes. */
  payloadOverFloor: number;
};

function timeMs(fn: () => unknown): number {
  const start = Bun.nanoseconds();
  fn();
  return (Bun.nanoseconds() - start) / 1e6;
}

const text = new TextEncoder();
const date = new Date("2024-01-01T00:00:00Z");
const seed = [
  { path: "meta-data", data: text.encode("instance-id: bench\nlocal-hostname: bench\n") },
  { path: "user-data", data: text.encode(`#cloud-config\n${"# padding line\n".repeat(100)}`) },
  { path: "network-config", data: text.encode("version: 2\nethernets: {}\n") },
];

export function measureIso(payloadMiB: number, seedRuns: number, bigRuns: number): Iso {
  const payloadBytes = payloadMiB * 1024 * 1024;
  const payload = new Uint8Array(payloadBytes);
  for (let i = 0; i < payload.length; i += 4096) payload[i] = i & 0xff;
  const big = [...seed, { path: "payload.bin", data: payload }];
  const write = (files: typeof seed) => writeIso({ volumeId: "CIDATA", files, date });
  // Warm up the JIT so the medians measure steady-state code.
  for (let i = 0; i < 20; i++) write(seed);
  write(big);
  const seedMs: number[] = [];
  for (let i = 0; i < seedRuns; i++) seedMs.push(timeMs(() => write(seed)));
  const layout = layoutIso({ volumeId: "CIDATA", files: big, date });
  const reused = new Uint8Array(layout.size);
  layout.writeTo(reused);
  const bigMs: number[] = [];
  const reusedMs: number[] = [];
  const floorMs: number[] = [];
  for (let i = 0; i < bigRuns; i++) {
    bigMs.push(timeMs(() => write(big)));
    reusedMs.push(
      timeMs(() => layoutIso({ volumeId: "CIDATA", files: big, date }).writeTo(reused)),
    );
    floorMs.push(
      timeMs(() => new Uint8Array(layout.size).set(payload, layout.size - payloadBytes)),
    );
  }
  const gbps = (ms: number) => payloadBytes / 1e9 / (ms / 1000);
  return {
    payloadMiB,
    seed3FilesMedianMs: median(seedMs),
    payloadMedianMs: median(bigMs),
    payloadThroughputGBps: gbps(median(bigMs)),
    payloadReusedBufferGBps: gbps(median(reusedMs)),
    freshAllocPlusCopyFloorMs: median(floorMs),
    payloadOverFloor: median(bigMs) / median(floorMs),
  };
}

if (import.meta.main) console.log(JSON.stringify(measureIso(64, 200, 5), null, 2));
