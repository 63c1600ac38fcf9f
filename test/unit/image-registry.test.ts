import { describe, expect, test } from "bun:test";
import { homedir } from "node:os";
import { UsageError } from "../../src/errors";
import { findChecksum } from "../../src/image/checksum";
import {
  findByUrl,
  findShorthand,
  registry,
  registryNames,
  searchRegistry,
} from "../../src/image/registry";
import { resolveImage } from "../../src/image/resolve";

const H64 = "a".repeat(64);
const H128 = "b".repeat(128);

describe("registry", () => {
  test("covers the required distributions with https URLs and checksum lists", () => {
    for (const n of [
      "ubuntu-24.04",
      "ubuntu-22.04",
      "debian-12",
      "debian-13",
      "fedora",
      "rocky-9",
      "alma-9",
      "arch",
      "alpine",
      "centos-stream-9",
      "opensuse-leap",
    ]) {
      const e = findShorthand(n);
      expect(e, n).toBeDefined();
      expect(e?.url.startsWith("https://")).toBe(true);
      expect(e?.checksumUrl.startsWith("https://")).toBe(true);
    }
    expect(findShorthand("fedora")?.name).toMatch(/^fedora-\d+$/);
  });

  test("names and aliases are unique", () => {
    const names = registryNames();
    expect(new Set(names).size).toBe(names.length);
    expect(registry.length).toBeGreaterThanOrEqual(11);
  });

  test("search filters by substring", () => {
    expect(searchRegistry("ubuntu").map((e) => e.name)).toEqual(["ubuntu-24.04", "ubuntu-22.04"]);
    expect(searchRegistry("").length).toBe(registry.length);
    expect(searchRegistry("no-such-distro")).toEqual([]);
  });
});

describe("aarch64 images", () => {
  test("every shorthand but arch has one, from the same server, named by the same scheme", () => {
    for (const e of registry) {
      if (e.name === "arch") {
        expect(e.aarch64).toBeUndefined();
        continue;
      }
      const arm = e.aarch64;
      expect(arm, e.name).toBeDefined();
      if (!arm) continue;
      expect(new URL(arm.url).host).toBe(new URL(e.url).host);
      expect(new URL(arm.checksumUrl).host).toBe(new URL(e.checksumUrl).host);
      // The x86_64 URL with its arch words swapped is the aarch64 URL.
      const swap = (u: string) => u.replaceAll("x86_64", "aarch64").replaceAll("amd64", "arm64");
      const alpine = (u: string) => u.replace("-bios-", "-uefi-");
      expect(alpine(swap(e.url))).toBe(arm.url);
      expect(alpine(swap(e.checksumUrl))).toBe(arm.checksumUrl);
    }
  });

  test("a shorthand resolves to the guest arch's image; a pasted aarch64 URL keeps its list", () => {
    const arm = resolveImage("debian-12", "/cfg", { arch: "aarch64" });
    expect(arm).toMatchObject({
      url: "https://cloud.debian.org/images/cloud/bookworm/latest/debian-12-generic-arm64.qcow2",
      checksumUrl: "https://cloud.debian.org/images/cloud/bookworm/latest/SHA512SUMS",
      shorthand: "debian-12",
    });
    expect(resolveImage("debian-12", "/cfg", { arch: "x86_64" })).toMatchObject({
      url: "https://cloud.debian.org/images/cloud/bookworm/latest/debian-12-generic-amd64.qcow2",
    });
    const fedora = findShorthand("fedora")?.aarch64;
    expect(resolveImage(fedora?.url ?? "", "/cfg")).toMatchObject({
      checksumUrl: fedora?.checksumUrl,
      shorthand: findShorthand("fedora")?.name,
    });
    expect(findByUrl(fedora?.url ?? "")?.arch).toBe("aarch64");
  });

  test("a shorthand with no aarch64 image is a usage error naming the way out", () => {
    expect(() => resolveImage("arch", "/cfg", { arch: "aarch64" })).toThrow(
      '"arch" has no aarch64 image',
    );
    expect(resolveImage("arch", "/cfg", { arch: "x86_64" })).toMatchObject({ shorthand: "arch" });
  });
});

describe("resolveImage", () => {
  test("shorthand → URL with its checksum list", () => {
    const src = resolveImage("debian-12", "/cfg");
    expect(src).toMatchObject({ kind: "url", shorthand: "debian-12" });
    if (src.kind !== "url") throw new Error("expected url");
    expect(src.checksumUrl).toEndWith("/SHA512SUMS");
  });

  test("a pasted registry URL keeps its checksum list; another URL has none", () => {
    const e = findShorthand("ubuntu-24.04");
    expect(resolveImage(e?.url ?? "", "/cfg")).toMatchObject({ checksumUrl: e?.checksumUrl });
    expect(resolveImage("https://example.com/x.img", "/cfg")).toEqual({
      kind: "url",
      url: "https://example.com/x.img",
    });
  });

  test("sha256 becomes the expected digest", () => {
    expect(resolveImage("ubuntu", "/cfg", { sha256: H64.toUpperCase() })).toMatchObject({
      expected: { algo: "sha256", hex: H64 },
    });
  });

  test("local paths: relative to the config folder, ~ expanded, file:// URLs", () => {
    expect(resolveImage("./disk.qcow2", "/cfg")).toMatchObject({
      kind: "file",
      path: "/cfg/disk.qcow2",
    });
    expect(resolveImage("disk.qcow2", "/cfg")).toMatchObject({
      kind: "file",
      path: "/cfg/disk.qcow2",
    });
    expect(resolveImage("../imgs/a.img", "/cfg/sub")).toMatchObject({ path: "/cfg/imgs/a.img" });
    expect(resolveImage("/abs/a.raw", "/cfg")).toMatchObject({ path: "/abs/a.raw" });
    const home = process.env.HOME || homedir();
    expect(resolveImage("~/a.qcow2", "/cfg")).toMatchObject({ path: `${home}/a.qcow2` });
    expect(resolveImage("file:///srv/a%20b.qcow2", "/cfg")).toMatchObject({
      path: "/srv/a b.qcow2",
    });
  });

  test("unknown shorthand: usage error with a suggestion and the search hint", () => {
    let err: unknown;
    try {
      resolveImage("ubuntu-24.4", "/cfg");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).message).toContain('did you mean "ubuntu-24.04"');
    expect((err as UsageError).hint).toContain("rum image search");
  });

  test("unsupported scheme and empty base are usage errors", () => {
    expect(() => resolveImage("ftp://x/y.img", "/cfg")).toThrow(UsageError);
    expect(() => resolveImage("  ", "/cfg")).toThrow(UsageError);
  });
});

describe("findChecksum", () => {
  test("sha256sum style, text and binary mode (Ubuntu)", () => {
    const list = `${"c".repeat(64)} *other.img\n${H64} *ubuntu-24.04-server-cloudimg-amd64.img\n`;
    expect(findChecksum(list, "ubuntu-24.04-server-cloudimg-amd64.img")).toEqual({
      algo: "sha256",
      hex: H64,
    });
  });

  test("sha512sum style (Debian SHA512SUMS)", () => {
    const list = `${"d".repeat(128)}  debian-12-nocloud-amd64.qcow2\n${H128}  debian-12-generic-amd64.qcow2\n`;
    expect(findChecksum(list, "debian-12-generic-amd64.qcow2")).toEqual({
      algo: "sha512",
      hex: H128,
    });
  });

  test("BSD style inside a PGP clear-signed message (Fedora CHECKSUM)", () => {
    const list = [
      "-----BEGIN PGP SIGNED MESSAGE-----",
      "Hash: SHA256",
      "",
      "# Fedora-Cloud-Base-Generic-43-1.6.x86_64.qcow2: 536870912 bytes",
      `SHA256 (Fedora-Cloud-Base-Generic-43-1.6.x86_64.qcow2) = ${H64.toUpperCase()}`,
      "-----BEGIN PGP SIGNATURE-----",
      "iQIzBAEBCAAdFiEEabc",
      "-----END PGP SIGNATURE-----",
    ].join("\n");
    expect(findChecksum(list, "Fedora-Cloud-Base-Generic-43-1.6.x86_64.qcow2")).toEqual({
      algo: "sha256",
      hex: H64,
    });
  });

  test("a lone digest file; a missing entry", () => {
    expect(findChecksum(`${H128}\n`, "anything.qcow2")).toEqual({ algo: "sha512", hex: H128 });
    expect(findChecksum(`${H64}  a.img\n`, "b.img")).toBeUndefined();
    expect(findChecksum(`${H64}  ./dir/b.img\n`, "b.img")).toEqual({ algo: "sha256", hex: H64 });
  });
});
