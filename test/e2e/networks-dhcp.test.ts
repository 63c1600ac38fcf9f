/**
 * Fixed addresses as DHCP reservations on the real libvirt: added live (the
 * running dnsmasq's hosts file) and persistently, idempotent, moved when the
 * address changes, and refused with a clear message when the address cannot
 * belong to the NIC. Networks made here carry this run's prefix and are removed
 * in afterAll.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { macFor } from "../../src/domain/mac";
import { RumError } from "../../src/errors";
import { ensureNetwork, releaseAddress, reserveAddress } from "../../src/host/networks";
import { hostSubnets } from "../../src/host/networks-host";
import { formatIPv4, parseCidr, pickFreeSubnet, type Subnet } from "../../src/host/networks-ipv4";
import { type DhcpHost, parseNetwork } from "../../src/host/networks-model";
import { Virsh } from "../../src/host/virsh";
import { present } from "../support/precondition";

const URI = "qemu:///system";
const v = new Virsh(URI);
const run = crypto.randomUUID().slice(0, 6);
const dir = mkdtempSync(join(tmpdir(), "rum-networks-dhcp-"));
const net = `rumtest-${run}-dhcp`;
const mac1 = macFor(net, 0);
const mac2 = macFor(net, 1);
let subnet: Subnet;
const at = (host: number) => formatIPv4(subnet.base + host);

function virsh(...args: string[]): { ok: boolean; out: string; err: string } {
  const r = Bun.spawnSync(["virsh", "-q", "-c", URI, ...args]);
  return { ok: r.exitCode === 0, out: r.stdout.toString(), err: r.stderr.toString() };
}

const libvirtUp = present(`libvirt at ${URI}`, virsh("version").ok);

function hosts(name: string, inactive: boolean): DhcpHost[] {
  const xml = virsh("net-dumpxml", ...(inactive ? ["--inactive"] : []), name).out;
  return parseNetwork(xml)?.ipv4.flatMap((i) => i.hosts) ?? [];
}

/** What the running dnsmasq serves: proof the change was applied live. */
function hostsFile(name: string): string {
  const file = `/var/lib/libvirt/dnsmasq/${name}.hostsfile`;
  return existsSync(file) ? readFileSync(file, "utf8") : "";
}

/** A network made by hand on a free /24, never started, with or without DHCP. */
async function handMade(
  suffix: string,
  dhcp: boolean,
): Promise<[string, (host: number) => string]> {
  const name = `rumtest-${run}-${suffix}`;
  const names = virsh("net-list", "--all", "--name")
    .out.split("\n")
    .map((l) => l.trim());
  const nets = names.filter(Boolean).map((n) => parseNetwork(virsh("net-dumpxml", n).out));
  const used = [
    ...(await hostSubnets(v)),
    ...nets.flatMap((n) => n?.ipv4.map((i) => i.subnet) ?? []),
  ];
  const free = pickFreeSubnet(name, used) as Subnet;
  const ip = (host: number) => formatIPv4(free.base + host);
  const pool = dhcp ? `<dhcp><range start='${ip(100)}' end='${ip(200)}'/></dhcp>` : "";
  const xml = `<network><name>${name}</name><bridge name='rumt${run}${suffix.slice(0, 2)}'/><ip address='${ip(1)}' netmask='255.255.255.0'>${pool}</ip></network>`;
  const file = join(dir, `${name}.xml`);
  writeFileSync(file, xml);
  expect(virsh("net-define", file).ok).toBe(true);
  return [name, ip];
}

// Set up only where the suite runs (describe.skipIf below fails under CI=true instead).
beforeAll(async () => {
  if (libvirtUp) {
    subnet = parseCidr((await ensureNetwork(v, net, { domain: "d" })).subnet ?? "") as Subnet;
  }
});

afterAll(() => {
  const names = virsh("net-list", "--all", "--name")
    .out.split("\n")
    .map((l) => l.trim());
  for (const n of names.filter((n) => n.startsWith(`rumtest-${run}-`))) {
    virsh("net-destroy", n);
    virsh("net-undefine", n);
  }
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!libvirtUp)("DHCP reservations on the real libvirt", () => {
  test("added live and persistently, then idempotent", async () => {
    expect(await reserveAddress(v, net, mac1, at(10), "web")).toBe("added");
    const want = { mac: mac1, ip: at(10), name: "web" };
    expect(hosts(net, false)).toEqual([want]);
    expect(hosts(net, true)).toEqual([want]);
    expect(hostsFile(net)).toContain(`${mac1},${at(10)},web`);
    expect(await reserveAddress(v, net, mac1, at(10), "web")).toBe("unchanged");
    expect(await reserveAddress(v, net, mac1.toUpperCase(), at(10), "web")).toBe("unchanged");
    expect(hosts(net, true)).toHaveLength(1);
  });

  test("a new address for the same MAC modifies its reservation", async () => {
    expect(await reserveAddress(v, net, mac1, at(11), "web")).toBe("modified");
    const want = [{ mac: mac1, ip: at(11), name: "web" }];
    expect(hosts(net, false)).toEqual(want);
    expect(hosts(net, true)).toEqual(want);
    expect(hostsFile(net)).toContain(`${mac1},${at(11)},web`);
    expect(hostsFile(net)).not.toContain(at(10));
  });

  test("an address held by another MAC is refused; a name held by one is left out", async () => {
    const taken = reserveAddress(v, net, mac2, at(11));
    await expect(taken).rejects.toThrow(
      `${at(11)} is already reserved on "${net}" for MAC ${mac1}`,
    );
    await expect(taken).rejects.toMatchObject({
      hint: expect.stringContaining("pick another address"),
    });
    expect(await reserveAddress(v, net, mac2, at(12), "web")).toBe("added");
    expect(hosts(net, true)).toContainEqual({ mac: mac2, ip: at(12) });
  });

  test("addresses that cannot be the NIC's are RumErrors naming the subnet", async () => {
    const outside = reserveAddress(v, net, mac2, "10.255.255.5");
    await expect(outside).rejects.toBeInstanceOf(RumError);
    await expect(outside).rejects.toThrow(`10.255.255.5 is outside libvirt network "${net}"`);
    await expect(outside).rejects.toMatchObject({ hint: expect.stringContaining(`${at(0)}/24`) });
    for (const special of [at(0), at(1), at(255)]) {
      await expect(reserveAddress(v, net, mac2, special)).rejects.toThrow(
        /network, broadcast or host address/,
      );
    }
    await expect(reserveAddress(v, net, mac2, "10.0.0")).rejects.toThrow(/not an IPv4 address/);
    await expect(reserveAddress(v, `${net}-missing`, mac2, at(20))).rejects.toThrow(
      /does not exist/,
    );
    const [noDhcp, ip] = await handMade("nodhcp", false);
    await expect(reserveAddress(v, noDhcp, mac2, ip(5))).rejects.toThrow(/has no IPv4 DHCP/);
    expect(hosts(net, true)).toHaveLength(2);
  });

  test("an inactive network gets the reservation in its definition, served once started", async () => {
    const [name, ip] = await handMade("inact", true);
    expect(await reserveAddress(v, name, mac1, ip(9))).toBe("added");
    expect(hosts(name, true)).toEqual([{ mac: mac1, ip: ip(9) }]);
    expect(virsh("net-start", name).ok).toBe(true);
    expect(hostsFile(name)).toContain(`${mac1},${ip(9)}`);
  });

  test("releasing drops the MAC's reservation, once", async () => {
    expect(await releaseAddress(v, net, mac1)).toBe(true);
    expect(hosts(net, false)).toEqual([{ mac: mac2, ip: at(12) }]);
    expect(hosts(net, true)).toEqual([{ mac: mac2, ip: at(12) }]);
    expect(await releaseAddress(v, net, mac1)).toBe(false);
    expect(await releaseAddress(v, `${net}-missing`, mac1)).toBe(false);
  });
});
