/**
 * The reader must reject anything that is not a well-formed image with an
 * IsoFormatError (a RumError with a clear message), never an index error.
 */
import { describe, expect, test } from "bun:test";
import { RumError } from "../../src/errors";
import { IsoFormatError, readIso } from "../../src/seed/iso9660/reader";
import { writeIso } from "../../src/seed/iso9660/writer";

const text = new TextEncoder();
const valid = writeIso({
  volumeId: "CIDATA",
  files: [
    { path: "user-data", data: text.encode("#cloud-config\n") },
    { path: "meta-data", data: text.encode("instance-id: x\n") },
    { path: "network-config", data: text.encode("version: 2\n") },
    { path: "dir/sub/file.txt", data: new Uint8Array(5000).fill(1) },
    { path: `${"x".repeat(200)}.txt`, data: text.encode("long name via CE") },
  ],
  date: new Date("2024-01-01T00:00:00Z"),
});

function prng(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

function expectFormatError(bytes: Uint8Array, message?: RegExp): void {
  let caught: unknown;
  try {
    readIso(bytes);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(IsoFormatError);
  expect(caught).toBeInstanceOf(RumError);
  if (message) expect((caught as Error).message).toMatch(message);
}

describe("readIso rejects garbage with IsoFormatError", () => {
  test("empty input", () => expectFormatError(new Uint8Array(0), /too short/));

  test("100 KB of random bytes", () => {
    const next = prng(99);
    const bytes = new Uint8Array(100 * 1024).map(() => next() & 0xff);
    expectFormatError(bytes, /CD001/);
  });

  test("100 KB of zeros", () => expectFormatError(new Uint8Array(100 * 1024), /CD001/));

  test.each([
    ["inside the descriptors", 16 * 2048 + 100],
    ["after the descriptors", 20 * 2048],
    ["halfway", Math.floor(valid.length / 2)],
    ["one byte short", valid.length - 1],
  ])("a valid image truncated %s", (_, length) => {
    expectFormatError(valid.subarray(0, length), /truncated|ends|short|beyond/);
  });

  test("a bad descriptor identifier", () => {
    const bad = valid.slice();
    bad.set(text.encode("XX001"), 16 * 2048 + 1);
    expectFormatError(bad, /no "CD001" volume descriptor at sector 16/);
  });

  test("no terminator", () => {
    // Every sector the reader scans for descriptors holds a primary one.
    const bad = new Uint8Array(100 * 2048);
    bad.set(valid);
    for (let s = 17; s < 16 + 64; s++) bad.set(valid.subarray(16 * 2048, 17 * 2048), s * 2048);
    expectFormatError(bad, /terminator/);
  });

  test("an unsupported logical block size", () => {
    const bad = valid.slice();
    bad[16 * 2048 + 128] = 3;
    expectFormatError(bad, /block size/);
  });

  test("random corruption of the metadata never escapes as another error", () => {
    const next = prng(12345);
    const metadata = 40 * 2048;
    let rejected = 0;
    for (let round = 0; round < 3000; round++) {
      const bad = valid.slice();
      const flips = 1 + (next() % 8);
      for (let i = 0; i < flips; i++)
        bad[16 * 2048 + (next() % (metadata - 16 * 2048))] = next() & 0xff;
      try {
        readIso(bad);
      } catch (e) {
        if (!(e instanceof IsoFormatError)) throw e;
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(0);
  });
});

test("the untouched image still reads", () => {
  expect(readIso(valid).files.size).toBe(5);
});
