// Several leases for one MAC (a VM destroyed and re-created under the same
// name keeps its MAC; its old lease outlives it): the newest one wins.
import { describe, expect, test } from "bun:test";
import { newestFirst } from "../../src/host/virsh";

// `virsh -q net-dhcp-leases default --mac …` as libvirt 9.0 prints it.
const table = `
 2026-11-30 04:12:09   52:54:00:3a:1b:2c   ipv4       192.168.122.36/24   box   ff:56:50:4d:98:00:02:00:00:ab:11:aa
 2026-11-30 04:58:41   52:54:00:3a:1b:2c   ipv4       192.168.122.37/24   box   ff:56:50:4d:98:00:02:00:00:ab:11:bb
 2026-11-30 04:31:00   52:54:00:3a:1b:2c   ipv4       192.168.122.40/24   -     -
`;

describe("DHCP leases of one MAC", () => {
  test("are ordered by expiry, latest (the newest lease) first", () => {
    expect(newestFirst(table)).toEqual(["192.168.122.37", "192.168.122.40", "192.168.122.36"]);
  });
  test("an empty table or an IPv6 row gives no IPv4 address", () => {
    expect(newestFirst("")).toEqual([]);
    expect(
      newestFirst(" 2026-11-30 04:12:09  52:54:00:3a:1b:2c  ipv6  fd00::5/64  box  -"),
    ).toEqual([]);
  });
});
