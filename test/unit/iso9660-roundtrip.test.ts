import { describe, expect, test } from "bun:test";
import { RumError } from "../../src/errors";
import { readIso } from "../../src/seed/iso9660/reader";
import { type IsoFile, layoutIso, writeIso } from "../../src/seed/iso9660/writer";

const text = new TextEncoder();
const DATE = new Date("2024-05-06T07:08:09Z");

function randomBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

function fixtureFiles(): IsoFile[] {
  const files: IsoFile[] = [
    { path: "user-data", data: text.encode("#cloud-config\nhostname: rum-test\n") },
    { path: "meta-data", data: text.encode("instance-id: iid-rum\nlocal-hostname: rum-test\n") },
    { path: "network-config", data: text.encode("version: 2\nethernets: {}\n") },
    { path: "dir/sub/file.txt", data: text.encode("nested file\n") },
    { path: "empty", data: new Uint8Array(0) },
    { path: "random-5mb.bin", data: randomBytes(5 * 1024 * 1024, 42) },
    { path: "exact-2048.bin", data: randomBytes(2048, 7) },
    { path: "exact-2049.bin", data: randomBytes(2049, 8) },
    { path: `${"long-name-".repeat(20)}end.txt`, data: text.encode("long\n") },
    { path: "héllo wörld ✓.txt", data: text.encode("unicode\n") },
    { path: "longfilename-one.txt", data: text.encode("one\n") },
    { path: "longfilename-two.txt", data: text.encode("two\n") },
    { path: "README", data: text.encode("upper\n") },
    { path: "readme", data: text.encode("lower\n") },
  ];
  for (let i = 0; i < 200; i++) {
    files.push({
      path: `many/file-number-${String(i).padStart(3, "0")}.txt`,
      data: text.encode(`${i}\n`),
    });
  }
  return files;
}

function expectSameFiles(actual: Map<string, Uint8Array>, files: readonly IsoFile[]): void {
  expect([...actual.keys()].sort()).toEqual(files.map((f) => f.path).sort());
  for (const f of files) {
    const got = actual.get(f.path);
    expect(got?.length).toBe(f.data.length);
    expect(Buffer.from(got ?? []).equals(Buffer.from(f.data))).toBe(true);
  }
}

describe("writeIso → readIso round trip", () => {
  const files = fixtureFiles();

  test("with Joliet: exact names and bytes, Rock Ridge names used", () => {
    const iso = writeIso({ volumeId: "cidata", files, date: DATE });
    expect(iso.length % 2048).toBe(0);
    const read = readIso(iso);
    expect(read.volumeId).toBe("CIDATA");
    expect(read.names).toBe("rockridge");
    expectSameFiles(read.files, files);
  });

  test("without Joliet", () => {
    const read = readIso(writeIso({ volumeId: "CIDATA", files, date: DATE, joliet: false }));
    expectSameFiles(read.files, files);
  });

  test("an image with no files at all", () => {
    const read = readIso(writeIso({ volumeId: "EMPTY", files: [], date: DATE }));
    expect(read.files.size).toBe(0);
    expect(read.volumeId).toBe("EMPTY");
  });

  test("deep nesting beyond ISO 9660's 8 levels", () => {
    const deep = [{ path: "a/b/c/d/e/f/g/h/i/j/k/deep.txt", data: text.encode("deep") }];
    expectSameFiles(readIso(writeIso({ volumeId: "CIDATA", files: deep, date: DATE })).files, deep);
  });
});

describe("determinism", () => {
  test("the same input and date give identical bytes", () => {
    const a = writeIso({ volumeId: "CIDATA", files: fixtureFiles(), date: DATE });
    const b = writeIso({ volumeId: "CIDATA", files: fixtureFiles().reverse(), date: DATE });
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  test("a different date gives different bytes", () => {
    const files = fixtureFiles().slice(0, 3);
    const a = writeIso({ volumeId: "CIDATA", files, date: DATE });
    const b = writeIso({ volumeId: "CIDATA", files, date: new Date("2025-01-01T00:00:00Z") });
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
  });
});

test("layoutIso into a dirty reused buffer gives the same bytes as writeIso", () => {
  const files = fixtureFiles().slice(0, 8);
  const fresh = writeIso({ volumeId: "CIDATA", files, date: DATE });
  const layout = layoutIso({ volumeId: "CIDATA", files, date: DATE });
  expect(layout.size).toBe(fresh.length);
  const reused = new Uint8Array(layout.size + 4096).fill(0xff);
  layout.writeTo(reused);
  expect(Buffer.from(reused.subarray(0, layout.size)).equals(Buffer.from(fresh))).toBe(true);
  expect(() => layout.writeTo(new Uint8Array(layout.size - 1))).toThrow(/needs/);
});

describe("writer input validation", () => {
  const one = (path: string) => [{ path, data: new Uint8Array(1) }];
  test.each(["", "/abs", "a//b", "../x", "a/./b", "dir/", "x".repeat(254), "nul\0byte"])(
    "rejects path %p",
    (path) => {
      expect(() => writeIso({ volumeId: "CIDATA", files: one(path) })).toThrow(RumError);
    },
  );

  test("rejects duplicates and file/directory clashes", () => {
    const dup = [...one("a"), ...one("a")];
    expect(() => writeIso({ volumeId: "CIDATA", files: dup })).toThrow(/duplicate/);
    const clash = [...one("a"), ...one("a/b")];
    expect(() => writeIso({ volumeId: "CIDATA", files: clash })).toThrow(/is a file/);
    const clash2 = [...one("a/b"), ...one("a")];
    expect(() => writeIso({ volumeId: "CIDATA", files: clash2 })).toThrow(/duplicate/);
  });

  test.each(["ci data", "x".repeat(33), "", "cidata!"])("rejects volume id %p", (volumeId) => {
    expect(() => writeIso({ volumeId, files: [] })).toThrow(RumError);
  });
});

test("a 3-file seed is written in well under 5 ms", () => {
  const seed = fixtureFiles().slice(0, 3);
  for (let i = 0; i < 20; i++) writeIso({ volumeId: "CIDATA", files: seed, date: DATE });
  const times: number[] = [];
  for (let i = 0; i < 50; i++) {
    const start = performance.now();
    writeIso({ volumeId: "CIDATA", files: seed, date: DATE });
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  expect(times[25] ?? Number.POSITIVE_INFINITY).toBeLessThan(5);
});
