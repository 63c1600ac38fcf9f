/**
 * rum's ownership mark: written by domainXml, read back by parseRumMetadata
 * from the shapes libvirt prints (dumpxml with any prefix, `virsh metadata`'s
 * bare element), and absent from domains rum did not make.
 */
import { describe, expect, test } from "bun:test";
import {
  type DomainSpec,
  domainXml,
  parseRumMetadata,
  RUM_XMLNS,
  type RumMetadata,
} from "../../src/domain";

const spec: DomainSpec = {
  name: "rum-dev-1a2b3c4d",
  domainType: "qemu",
  arch: "x86_64",
  machine: "q35",
  firmware: "bios",
  cpus: 1,
  memoryMiB: 512,
  pool: "rum",
  rootVolume: "root.qcow2",
  seedVolume: "seed.iso",
  drives: [],
  nics: [],
  mounts: [],
  metadata: { configPath: "/p/rum.toml", configHash: "ab12", vmName: "dev", version: "0.1.0" },
};

const withMeta = (metadata: RumMetadata) => domainXml({ ...spec, metadata });

describe("parseRumMetadata", () => {
  test("round-trips plain values", () => {
    expect(parseRumMetadata(withMeta(spec.metadata))).toEqual(spec.metadata);
  });

  test("round-trips hostile config paths", () => {
    const paths = [
      `/home/a b/<x>&amp;/'q'/"dq"/rum.toml`,
      "/p/]]>/$(rm -rf /)/`id`/rum.toml",
      "/p/\n\r\t/rum.toml",
      "/p/&#10;&lt;/rum.toml",
      "/p/<rum:name>evil</rum:name>/rum.toml",
      "/p/ünïcödé/😀/rum.toml",
    ];
    for (const configPath of paths) {
      const meta = { ...spec.metadata, configPath, vmName: configPath };
      expect(parseRumMetadata(withMeta(meta))).toEqual(meta);
    }
  });

  test("null for a domain without rum's mark", () => {
    const foreign = `<domain type='kvm'><name>web</name><metadata>
      <libosinfo:libosinfo xmlns:libosinfo="http://libosinfo.org/xmlns/libvirt/domain/1.0">
        <libosinfo:os id="http://debian.org/debian/12"/>
      </libosinfo:libosinfo></metadata><devices/></domain>`;
    expect(parseRumMetadata(foreign)).toBeNull();
    expect(parseRumMetadata("<domain type='kvm'><name>web</name></domain>")).toBeNull();
    expect(parseRumMetadata("")).toBeNull();
  });

  test("null for an incomplete mark", () => {
    const noHash = `<m:vm xmlns:m="${RUM_XMLNS}"><m:config path="/a"/><m:name>x</m:name><m:version>1</m:version></m:vm>`;
    const noName = `<m:vm xmlns:m="${RUM_XMLNS}"><m:config path="/a" hash="h"/><m:version>1</m:version></m:vm>`;
    const unclosed = `<m:vm xmlns:m="${RUM_XMLNS}"><m:config path="/a" hash="h"/>`;
    expect(parseRumMetadata(noHash)).toBeNull();
    expect(parseRumMetadata(noName)).toBeNull();
    expect(parseRumMetadata(unclosed)).toBeNull();
  });

  test("any prefix, either quote style, libvirt's escaping", () => {
    const xml = `<domain><metadata>
      <other:vm xmlns:other="https://example.com/x"><other:name>not me</other:name></other:vm>
      <r2:vm xmlns:r2="${RUM_XMLNS}">
        <r2:config hash='h&apos;1' path="/a&#10;b&gt;c&quot;d&#x1F600;"/>
        <r2:name>v&lt;1&amp;</r2:name>
        <r2:version/>
      </r2:vm></metadata><name>web</name></domain>`;
    expect(parseRumMetadata(xml)).toEqual({
      configPath: '/a\nb>c"d😀',
      configHash: "h'1",
      vmName: "v<1&",
      version: "",
    });
  });

  test("the bare element `virsh metadata DOMAIN URI` prints", () => {
    const bare = `<vm>\n  <config path="/p/rum.toml" hash="ab12"/>\n  <name>dev</name>\n  <version>0.1.0</version>\n</vm>\n`;
    expect(parseRumMetadata(bare)).toEqual(spec.metadata);
  });

  test("a default-namespace element", () => {
    const xml = `<vm xmlns="${RUM_XMLNS}"><config path="/p" hash="h"/><name>n</name><version>v</version></vm>`;
    expect(parseRumMetadata(xml)).toEqual({
      configPath: "/p",
      configHash: "h",
      vmName: "n",
      version: "v",
    });
  });
});
