/**
 * Independent readers (isoinfo, xorriso, 7z, blkid) must see exactly what
 * rum's writer put into an image.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type IsoFile, writeIso } from "../../src/seed/iso9660/writer";

const text = new TextEncoder();
const LONG = `${"long-name-".repeat(10)}end.txt`;
const UNICODE = "héllo wörld ✓.txt";
let dir = "";

function randomBytes(length: number): Uint8Array {
  const out = new Uint8Array(length);
  // getRandomValues fills at most 64 KiB per call.
  for (let at = 0; at < length; at += 65536) crypto.getRandomValues(out.subarray(at, at + 65536));
  return out;
}

let isoPath = "";
let noJolietPath = "";
const files: IsoFile[] = [
  { path: "user-data", data: text.encode("#cloud-config\nhostname: rum-test\n"), mode: 0o600 },
  { path: "meta-data", data: text.encode("instance-id: iid-rum\n") },
  { path: "network-config", data: text.encode("version: 2\nethernets: {}\n") },
  { path: "dir/sub/file.txt", data: text.encode("nested file\n") },
  { path: "empty", data: new Uint8Array(0) },
  { path: "exact-2048.bin", data: new Uint8Array(2048).fill(0x41) },
  { path: "exact-2049.bin", data: new Uint8Array(2049).fill(0x42) },
  { path: "random-5mb.bin", data: randomBytes(5 * 1024 * 1024) },
  { path: LONG, data: text.encode("long\n") },
  { path: UNICODE, data: text.encode("unicode\n") },
];
for (let i = 0; i < 200; i++) files.push({ path: `many/file-${i}.txt`, data: text.encode(`${i}`) });
const mtime = new Date("2023-03-04T05:06:07Z");
files.push({ path: "stamped.txt", data: text.encode("t"), mtime });

function tool(argv: string[]): { out: Buffer; text: string } {
  const r = Bun.spawnSync({ cmd: argv, env: { ...process.env, LC_ALL: "C.UTF-8" } });
  const out = Buffer.from(r.stdout);
  const all = `${out.toString()}${Buffer.from(r.stderr).toString()}`;
  if (r.exitCode !== 0) throw new Error(`${argv.join(" ")} exited ${r.exitCode}: ${all}`);
  return { out, text: all };
}

/** Full paths of regular files in `isoinfo -l` output. */
function isoinfoFiles(listing: string): string[] {
  const paths: string[] = [];
  let current = "/";
  for (const line of listing.split("\n")) {
    const header = /^Directory listing of (.*)$/.exec(line);
    if (header) current = header[1] ?? "/";
    const entry = /^-\S+\s.*?\]\s\s(.*?) ?$/.exec(line);
    if (entry) paths.push(`${current}${entry[1]}`.slice(1));
  }
  return paths.sort();
}

const expected = () => files.map((f) => f.path).sort();

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "rum-iso-tools-"));
  isoPath = join(dir, "seed.iso");
  noJolietPath = join(dir, "plain.iso");
  writeFileSync(isoPath, writeIso({ volumeId: "cidata", files }));
  writeFileSync(noJolietPath, writeIso({ volumeId: "cidata", files, joliet: false }));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("isoinfo", () => {
  test("-d: volume id, Rock Ridge and Joliet found", () => {
    const info = tool(["isoinfo", "-d", "-i", isoPath]).text;
    expect(info).toContain("Volume id: CIDATA");
    expect(info).toContain("Logical block size is: 2048");
    expect(info).toMatch(/Rock Ridge signatures version 1 found/);
    expect(info).toMatch(/Joliet with UCS level 3 found/);
    expect(tool(["isoinfo", "-d", "-i", noJolietPath]).text).toMatch(/NO Joliet present/);
  });

  test("-R -l: exact names, modes and times", () => {
    const listing = tool(["isoinfo", "-R", "-l", "-i", isoPath]).text;
    expect(isoinfoFiles(listing)).toEqual(expected());
    expect(listing).toMatch(/^-rw------- .* user-data $/m);
    expect(listing).toMatch(/^-rw-r--r-- .* meta-data $/m);
    expect(listing).toMatch(/^drwxr-xr-x .* dir $/m);
    expect(listing).toMatch(/ Mar {2}4 2023 .* stamped\.txt $/m);
    expect(isoinfoFiles(tool(["isoinfo", "-R", "-l", "-i", noJolietPath]).text)).toEqual(
      expected(),
    );
  });

  test("-R -x: exact bytes", () => {
    for (const path of ["user-data", "dir/sub/file.txt", "exact-2049.bin", "random-5mb.bin"]) {
      const want = files.find((f) => f.path === path)?.data ?? new Uint8Array();
      const got = tool(["isoinfo", "-R", "-x", `/${path}`, "-i", isoPath]).out;
      expect(got.equals(Buffer.from(want))).toBe(true);
    }
  });

  test("-J -l: Joliet shows long names (up to Joliet's 64 characters)", () => {
    // isoinfo prints Joliet names as Latin-1, with "_" for anything beyond it.
    const latin1 = [...UNICODE].map((c) => ((c.codePointAt(0) ?? 0) <= 0xff ? c : "_")).join("");
    const want = expected().map((p) =>
      p === LONG ? LONG.slice(0, 64) : p === UNICODE ? latin1 : p,
    );
    const listing = tool(["isoinfo", "-J", "-l", "-i", isoPath]).out.toString("latin1");
    expect(isoinfoFiles(listing)).toEqual(want.sort());
  });
});

describe("xorriso", () => {
  test("-find / lists every path", () => {
    const out = tool(["xorriso", "-indev", isoPath, "-find", "/", "-type", "f"]).text;
    const found = [...out.matchAll(/^'\/(.*)'$/gm)].map((m) => m[1]).sort();
    expect(found).toEqual(expected());
    expect(out).not.toMatch(/SORRY|FAILURE|WARNING/);
  });

  test("-check_media reads every block as good", () => {
    const out = tool(["xorriso", "-indev", isoPath, "-check_media", "--"]).text;
    expect(out).toMatch(/Media region :\s+0 ,\s+\d+ , \+ good/);
    expect(out).not.toMatch(/SORRY|FAILURE|WARNING|unreadable/);
  });
});

test("7z l lists the Joliet names", () => {
  const out = tool(["7z", "l", "-slt", isoPath]).text;
  const found = [...out.matchAll(/^Path = (.*)$/gm)].map((m) => m[1]).filter((p) => p !== isoPath);
  for (const path of expected()) expect(found).toContain(path === LONG ? LONG.slice(0, 64) : path);
  expect(tool(["7z", "e", "-so", isoPath, "network-config"]).out.toString()).toBe(
    "version: 2\nethernets: {}\n",
  );
});

test("blkid sees an iso9660 filesystem labelled CIDATA", () => {
  const out = tool(["blkid", "-p", "-o", "export", isoPath]).text;
  expect(out).toMatch(/^TYPE=iso9660$/m);
  expect(out).toMatch(/^LABEL=CIDATA$/m);
});
