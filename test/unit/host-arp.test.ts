/**
 * Bridged NICs' addresses on a local libvirt come from /proc/net/arp, read by
 * rum: libvirt 9.0's `domifaddr --source arp` can fail ("wrong nlmsg len")
 * while the entry is in the table, and rum used to wait out its address
 * timeout then.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "pathe";
import { hostArpTable, parseProcArp, readsHostArp } from "../../src/host/arp";
import { Virsh } from "../../src/host/virsh";

const dir = mkdtempSync(join(tmpdir(), "rum-arp-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TABLE = `IP address       HW type     Flags       HW address            Mask     Device
192.168.122.83   0x1         0x2         52:54:00:35:1D:F4     *        virbr0
192.168.122.160  0x1         0x0         00:00:00:00:00:00     *        virbr0
10.77.88.187     0x1         0x6         52:54:00:d8:c2:5c     *        rum-br-cbb718be
`;

describe("the host's ARP table", () => {
  test("rows holding a MAC, lower-cased; incomplete ones (flags without ATF_COM) left out", () => {
    expect(parseProcArp(TABLE)).toEqual([
      { mac: "52:54:00:35:1d:f4", ip: "192.168.122.83" },
      { mac: "52:54:00:d8:c2:5c", ip: "10.77.88.187" },
    ]);
    expect(parseProcArp("")).toEqual([]);
  });

  test("read from a file; nothing when there is none", () => {
    const file = join(dir, "arp");
    writeFileSync(file, TABLE);
    expect(hostArpTable(file)).toHaveLength(2);
    expect(hostArpTable(join(dir, "missing"))).toEqual([]);
  });

  test("read by rum for a local libvirt only", () => {
    expect(readsHostArp("qemu:///system")).toBe(true);
    expect(readsHostArp("qemu+unix:///system")).toBe(true);
    expect(readsHostArp("qemu+ssh://host/system")).toBe(false);
  });

  test("a local Virsh answers from the table even when libvirt's ARP reader fails", async () => {
    const bin = join(dir, "bin");
    Bun.spawnSync(["mkdir", "-p", bin]);
    const fake = join(bin, "virsh");
    writeFileSync(fake, "#!/bin/sh\necho 'error: internal error: wrong nlmsg len' >&2\nexit 1\n");
    chmodSync(fake, 0o755);
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path}`;
    try {
      expect(await new Virsh("qemu:///system").arpAddresses("rum-x")).toEqual(hostArpTable());
      expect(await new Virsh("qemu+ssh://far/system").arpAddresses("rum-x")).toEqual([]);
    } finally {
      process.env.PATH = path;
    }
  });
});
