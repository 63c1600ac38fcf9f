/**
 * rum's reader on images made by other mastering tools (genisoimage,
 * xorriso): same names, same bytes.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { type IsoNames, readIso } from "../../src/seed/iso9660/reader";

const text = new TextEncoder();
let dir = "";
let src = "";

function randomBytes(length: number): Uint8Array {
  const out = new Uint8Array(length);
  // getRandomValues fills at most 64 KiB per call.
  for (let at = 0; at < length; at += 65536) crypto.getRandomValues(out.subarray(at, at + 65536));
  return out;
}

const files = new Map<string, Uint8Array>([
  ["user-data", text.encode("#cloud-config\nhostname: foreign\n")],
  ["meta-data", text.encode("instance-id: foreign\n")],
  ["network-config", text.encode("version: 2\n")],
  ["dir/sub/file.txt", text.encode("nested\n")],
  ["empty", new Uint8Array(0)],
  ["exact-2048.bin", randomBytes(2048)],
  ["exact-2049.bin", randomBytes(2049)],
  ["random-5mb.bin", randomBytes(5 * 1024 * 1024)],
  [`${"long-name-".repeat(15)}end.txt`, text.encode("long\n")],
  ["héllo wörld.txt", text.encode("unicode\n")],
  // Deeper than ISO 9660's 8 levels: genisoimage relocates it (CL/RE/rr_moved).
  ["a/b/c/d/e/f/g/h/i/deep.txt", text.encode("deep\n")],
]);
for (let i = 0; i < 200; i++) files.set(`many/file-${i}.txt`, text.encode(`${i}\n`));

function tool(argv: string[]): void {
  const r = Bun.spawnSync({ cmd: argv, env: { ...process.env, LC_ALL: "C.UTF-8" } });
  if (r.exitCode !== 0) {
    throw new Error(`${argv.join(" ")} exited ${r.exitCode}: ${Buffer.from(r.stderr).toString()}`);
  }
}

function populate(root: string, content: Map<string, Uint8Array>): void {
  for (const [path, data] of content) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), data);
  }
}

function expectFiles(iso: string, want: Map<string, Uint8Array>, names: IsoNames): void {
  const read = readIso(new Uint8Array(readFileSync(iso)));
  expect(read.volumeId).toBe("cidata");
  expect(read.names).toBe(names);
  expect([...read.files.keys()].sort()).toEqual([...want.keys()].sort());
  for (const [path, data] of want) {
    expect(Buffer.from(read.files.get(path) ?? []).equals(Buffer.from(data))).toBe(true);
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "rum-iso-foreign-"));
  src = join(dir, "src");
  populate(src, files);
  // Not a regular file: readers must leave it out rather than invent data.
  symlinkSync("user-data", join(src, "link-to-user-data"));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("readIso on other tools' images", () => {
  test("genisoimage -J -r", () => {
    const iso = join(dir, "genisoimage.iso");
    tool([
      "genisoimage",
      "-quiet",
      "-input-charset",
      "utf-8",
      "-o",
      iso,
      "-V",
      "cidata",
      "-J",
      "-r",
      src,
    ]);
    expectFiles(iso, files, "rockridge");
  });

  test("xorriso -as mkisofs -r -J", () => {
    const iso = join(dir, "xorriso.iso");
    tool(["xorriso", "-as", "mkisofs", "-quiet", "-r", "-J", "-V", "cidata", "-o", iso, src]);
    expectFiles(iso, files, "rockridge");
  });

  test("genisoimage -J (Joliet names only)", () => {
    const plain = join(dir, "joliet-src");
    const small = new Map([...files].filter(([p]) => !p.startsWith("a/") && !p.startsWith("long")));
    populate(plain, small);
    const iso = join(dir, "joliet.iso");
    tool([
      "genisoimage",
      "-quiet",
      "-input-charset",
      "utf-8",
      "-o",
      iso,
      "-V",
      "cidata",
      "-J",
      plain,
    ]);
    expectFiles(iso, small, "joliet");
  });

  test("genisoimage without extensions (ISO names, lower-cased, ;1 stripped)", () => {
    const plain = join(dir, "plain-src");
    const dos = new Map([
      ["readme.txt", text.encode("read me\n")],
      ["data", randomBytes(3000)],
      ["sub/inner.cfg", text.encode("x=1\n")],
    ]);
    populate(plain, dos);
    const iso = join(dir, "plain.iso");
    tool(["genisoimage", "-quiet", "-o", iso, "-V", "cidata", plain]);
    expectFiles(iso, dos, "iso9660");
  });
});
