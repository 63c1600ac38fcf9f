// The small pure helpers behind config checking: sizes, names, tags,
// addresses, and finding a key's line in TOML text.
import { describe, expect, test } from "bun:test";
import { configId, domainName, sanitizeName, vmName } from "../../src/config/identity";
import { indexKeys } from "../../src/config/locate";
import { hostnameProblem, isIPv4, isIPv6 } from "../../src/config/net";
import { formatPath } from "../../src/config/problems";
import { formatSize, mountTag, parseSize, targetProblem } from "../../src/config/semantic";
import { UsageError } from "../../src/errors";

describe("sizes", () => {
  test("parseSize: binary units, optional i/B, decimals, bare bytes", () => {
    expect(parseSize("20G")).toBe(20 * 2 ** 30);
    expect(parseSize("512M")).toBe(512 * 2 ** 20);
    expect(parseSize("1T")).toBe(2 ** 40);
    expect(parseSize("10GiB")).toBe(10 * 2 ** 30);
    expect(parseSize("4k")).toBe(4096);
    expect(parseSize("1.5G")).toBe(1.5 * 2 ** 30);
    expect(parseSize("100")).toBe(100);
    expect(parseSize("20 G")).toBe(20 * 2 ** 30);
  });

  test("parseSize rejects what is not a size", () => {
    for (const bad of ["", "G", "20Q", "-1G", "1e3", "20GG", "99999999999T"]) {
      expect(() => parseSize(bad)).toThrow(UsageError);
    }
  });

  test("formatSize is the short spelling and round-trips", () => {
    expect(formatSize(20 * 2 ** 30)).toBe("20G");
    expect(formatSize(1.5 * 2 ** 30)).toBe("1.5G");
    expect(formatSize(300 * 2 ** 20)).toBe("300M");
    expect(formatSize(512)).toBe("512B");
    for (const s of ["1T", "20G", "512M", "64K"]) expect(formatSize(parseSize(s))).toBe(s);
  });
});

describe("names", () => {
  test("sanitizeName", () => {
    expect(sanitizeName("My Project")).toBe("my-project");
    expect(sanitizeName("--a__b..c--")).toBe("a-b-c");
    expect(sanitizeName("ÜBER")).toBe("ber");
    expect(sanitizeName("!!!")).toBe("vm");
    expect(sanitizeName("x".repeat(60))).toHaveLength(40);
    expect(sanitizeName(`${"a".repeat(39)}-b`)).toBe("a".repeat(39));
  });

  test("vmName: explicit, then <name>.rum.toml, then the folder", () => {
    expect(vmName("web", "/p/rum.toml")).toBe("web");
    expect(vmName(undefined, "/srv/Dev Box/db.rum.toml")).toBe("db");
    expect(vmName(undefined, "/srv/Dev Box/rum.toml")).toBe("dev-box");
    expect(vmName(undefined, "/srv/Dev Box/other.toml")).toBe("dev-box");
    expect(vmName(undefined, "/rum.toml")).toBe("vm");
  });

  test("configId and domainName", () => {
    expect(configId("/a/rum.toml")).toMatch(/^[0-9a-f]{8}$/);
    expect(configId("/a/rum.toml")).not.toBe(configId("/b/rum.toml"));
    expect(domainName("web", "0123abcd")).toBe("rum-web-0123abcd");
  });

  test("hostnames are RFC 1123", () => {
    for (const ok of ["web", "a-b", "web.example.com", "x1", `${"a".repeat(63)}.b`]) {
      expect(hostnameProblem(ok)).toBeUndefined();
    }
    for (const bad of [
      "",
      "-a",
      "a-",
      "a..b",
      "a_b",
      "Web",
      `${"a".repeat(64)}`,
      "a.".repeat(130),
    ]) {
      expect(hostnameProblem(bad)).toBeString();
    }
  });
});

describe("mounts", () => {
  test("mountTag derives from the target, at most 36 characters", () => {
    expect(mountTag({ target: "/home/rum/src" })).toBe("home-rum-src");
    expect(mountTag({ target: "/srv/my code" })).toBe("srv-my-code");
    expect(mountTag({ target: "/x", tag: "mine" })).toBe("mine");
    expect(mountTag({ target: `/${"d/".repeat(30)}end` }).length).toBeLessThanOrEqual(36);
  });

  test("targetProblem", () => {
    expect(targetProblem("/home/rum/src")).toBeUndefined();
    expect(targetProblem("src")).toContain("absolute");
    expect(targetProblem("/")).toContain("must not be /");
    expect(targetProblem("/a/../b")).toContain("..");
    expect(targetProblem("/a//b")).toContain("did you mean /a/b?");
    expect(targetProblem("/a/")).toContain("did you mean /a?");
  });
});

describe("addresses", () => {
  test("IPv4", () => {
    expect(isIPv4("192.168.1.10")).toBeTrue();
    for (const bad of ["256.1.1.1", "1.2.3", "01.2.3.4", "1.2.3.4.5", "a.b.c.d", ""]) {
      expect(isIPv4(bad)).toBeFalse();
    }
  });

  test("IPv6", () => {
    for (const ok of ["::", "::1", "fe80::1", "2001:db8::8:800:200c:417a", "::ffff:10.0.0.1"]) {
      expect(isIPv6(ok)).toBeTrue();
    }
    for (const bad of [
      ":1",
      "1:::2",
      "1::2::3",
      "1:2:3:4:5:6:7:8:9",
      "12345::",
      "g::1",
      "1.2.3.4",
    ]) {
      expect(isIPv6(bad)).toBeFalse();
    }
  });
});

describe("finding keys in TOML text", () => {
  const text = [
    'name = "x"', // 1
    "[image]", // 2
    'base = "debian-12"', // 3
    "[[mounts]]", // 4
    'source = "."', // 5
    "[[mounts]]", // 6
    'target = "/b" # comment with [fake] = header', // 7
    "[provision.system]", // 8
    'script = """', // 9
    "[not.a.table]", // 10
    '"""', // 11
    "[[fs.ext4]]", // 12
    'drive = "d"', // 13
    '"quoted key".sub = 1', // 14
  ].join("\n");
  const keys = indexKeys(text);

  test("tables, arrays of tables and keys", () => {
    expect(keys.lineOf(["name"])).toBe(1);
    expect(keys.lineOf(["image", "base"])).toBe(3);
    expect(keys.lineOf(["mounts", 1, "target"])).toBe(7);
    expect(keys.lineOf(["mounts", 0, "target"])).toBe(4); // not written: its table's line
    expect(keys.lineOf(["fs", "ext4", 0, "drive"])).toBe(13);
    expect(keys.lineOf(["fs", "ext4", 0, "quoted key", "sub"])).toBe(14);
    expect(keys.lineOf(["not"])).toBeUndefined();
    expect(keys.lineOf(["resources", "cpus"])).toBeUndefined();
  });

  test("pathAt names the key on a line, else the table in effect", () => {
    expect(keys.pathAt(7)).toEqual(["mounts", 1, "target"]);
    expect(keys.pathAt(10)).toEqual(["provision", "system"]);
  });

  test("formatPath", () => {
    expect(formatPath(["mounts", 1, "target"])).toBe("mounts[1].target");
    expect(formatPath(["drives", "Big Disk", "size"])).toBe('drives."Big Disk".size');
  });
});
