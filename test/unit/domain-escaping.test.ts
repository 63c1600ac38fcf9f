/**
 * Hostile names and paths: the XML stays valid, every value comes back exactly
 * through libxml2, characters XML cannot carry and values libvirt would refuse
 * are errors with a hint.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DomainSpec, domainXml, escapeXml, parseRumMetadata } from "../../src/domain";
import { RumError } from "../../src/errors";

const dir = mkdtempSync(join(tmpdir(), "rum-domain-esc-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, "hostile.xml");

function xpath(expr: string): string {
  const r = Bun.spawnSync(["xmllint", "--xpath", `string(${expr})`, file]);
  if (r.exitCode !== 0) throw new Error(r.stderr.toString());
  return r.stdout.toString().replace(/\n$/, "");
}

const evil = `<&'"]]>$(rm -rf /) \`id\` %s`;
const noSlash = evil.replaceAll("/", "");
const multiLine = `a\nb\r\nc\td ${evil}\n`;

const hostile: DomainSpec = {
  name: `rum-${noSlash}`,
  title: `vm ${evil}`,
  domainType: "qemu",
  arch: "x86_64",
  machine: "q35",
  firmware: "uefi",
  uefiLoader: { code: `/fw/${evil}/code.fd`, varsTemplate: `/fw/${evil}`, nvramPath: `/n/${evil}` },
  cpus: 2,
  memoryMiB: 1024,
  pool: `pool ${noSlash}`,
  rootVolume: `root ${noSlash}`,
  seedVolume: `seed ${noSlash}`,
  drives: [{ name: "data", volume: `data ${noSlash}` }],
  nics: [{ mac: "52:54:00:00:00:01", source: { network: `net ${evil}` } }],
  mounts: [
    { tag: `tag ${evil}`, hostPath: `/home/${evil}/src`, readonly: true, type: "9p" },
    { tag: "fs2", hostPath: `/x/${evil}`, readonly: false, type: "virtiofs" },
  ],
  serialLogPath: `/log/${evil}.log`,
  metadata: {
    configPath: `/cfg/${multiLine}/rum.toml`,
    configHash: multiLine,
    vmName: multiLine,
    version: multiLine,
  },
};

describe("hostile values", () => {
  const xml = domainXml(hostile);
  writeFileSync(file, xml);

  test("the XML still validates", () => {
    const r = Bun.spawnSync(["virt-xml-validate", file, "domain"]);
    expect(r.stdout.toString() + r.stderr.toString()).toContain("validates");
    expect(r.exitCode).toBe(0);
  });

  test("no raw value leaks into the markup", () => {
    expect(xml).not.toContain("]]>");
    expect(xml).not.toContain(evil);
  });

  test("every value round-trips exactly through libxml2", () => {
    const dev = "/domain/devices";
    const expected: [string, string][] = [
      ["/domain/name", hostile.name],
      ["/domain/title", hostile.title ?? ""],
      ["/domain/os/loader", hostile.uefiLoader?.code ?? ""],
      ["/domain/os/nvram/@template", hostile.uefiLoader?.varsTemplate ?? ""],
      ["/domain/os/nvram", hostile.uefiLoader?.nvramPath ?? ""],
      [`${dev}/disk[1]/source/@pool`, hostile.pool],
      [`${dev}/disk[1]/source/@volume`, hostile.rootVolume],
      [`${dev}/disk[2]/source/@volume`, `data ${noSlash}`],
      [`${dev}/disk[3]/source/@volume`, hostile.seedVolume],
      [`${dev}/interface/source/@network`, `net ${evil}`],
      [`${dev}/filesystem[1]/source/@dir`, `/home/${evil}/src`],
      [`${dev}/filesystem[1]/target/@dir`, `tag ${evil}`],
      [`${dev}/filesystem[2]/source/@dir`, `/x/${evil}`],
      [`${dev}/serial/log/@file`, `/log/${evil}.log`],
      ["/domain/metadata/*/*[local-name()='config']/@path", hostile.metadata.configPath],
      ["/domain/metadata/*/*[local-name()='config']/@hash", multiLine],
      ["/domain/metadata/*/*[local-name()='name']", multiLine],
      ["/domain/metadata/*/*[local-name()='version']", multiLine],
    ];
    for (const [expr, value] of expected) expect([expr, xpath(expr)]).toEqual([expr, value]);
  });

  test("parseRumMetadata reads the hostile mark back", () => {
    expect(parseRumMetadata(xml)).toEqual(hostile.metadata);
  });
});

describe("values XML cannot carry are errors, not silently changed", () => {
  for (const bad of ["\0", "\x01", "\x08", "\x0b", "\x0c", "\x1f", "\ufffe", "\ud800"]) {
    test(`U+${(bad.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`, () => {
      expect(() => escapeXml(`a${bad}b`)).toThrow(RumError);
      const spec = { ...hostile, metadata: { ...hostile.metadata, configPath: `/p${bad}` } };
      expect(() => domainXml(spec)).toThrow(/XML cannot carry/);
    });
  }

  test("tab, newline, CR and astral characters are fine", () => {
    expect(escapeXml("\t\n\r😀")).toBe("&#9;&#10;&#13;😀");
  });
});

describe("values libvirt would refuse are UsageErrors naming the setting", () => {
  const cases: [string, Partial<DomainSpec>, RegExp][] = [
    ["newline in a host path", { mounts: [{ ...mount(), hostPath: "/a\nb" }] }, /line break/],
    ["relative host path", { mounts: [{ ...mount(), hostPath: "src" }] }, /absolute/],
    ["newline in a mount tag", { mounts: [{ ...mount(), tag: "a\nb" }] }, /mount tag/],
    ["duplicate tags", { mounts: [mount(), mount()] }, /used twice/],
    ["'/' in the domain name", { name: "rum-a/b" }, /'\/'/],
    ["'/' in a volume", { rootVolume: "a/b" }, /volume name/],
    ["machine with a space", { machine: "pc q35" }, /advanced.machine/],
    ["zero cpus", { cpus: 0 }, /resources.cpus/],
    ["fractional memory", { memoryMiB: 1.5 }, /resources.memory_mb/],
    ["multicast MAC", { nics: [{ mac: "01:00:5e:00:00:01", source: { network: "n" } }] }, /MAC/],
    ["bad bridge", { nics: [{ mac: "52:54:00:00:00:01", source: { bridge: "b<r" } }] }, /bridge/],
    ["long drive name", { drives: [{ name: "a".repeat(21), volume: "v" }] }, /serial/],
    ["25 drives", { drives: drives(25) }, /at most 24/],
    ["relative log path", { serialLogPath: "serial.log" }, /serial log/],
  ];
  for (const [what, patch, message] of cases) {
    test(what, () => {
      let caught: unknown;
      try {
        domainXml({ ...hostile, ...patch });
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(RumError);
      expect((caught as RumError).exitCode).toBe(2);
      expect((caught as RumError).message).toMatch(message);
      expect((caught as RumError).hint).toBeTruthy();
    });
  }
  test("24 drives fit (vdb..vdy)", () => {
    expect(domainXml({ ...hostile, drives: drives(24) })).toContain("<target dev='vdy'");
  });
});

function mount(): DomainSpec["mounts"][number] {
  return { tag: "t", hostPath: "/a", readonly: false, type: "9p" };
}

function drives(n: number): DomainSpec["drives"] {
  return Array.from({ length: n }, (_, i) => ({ name: `d${i}`, volume: `d${i}.qcow2` }));
}
