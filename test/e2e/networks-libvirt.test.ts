/**
 * Extra networks against the real libvirt: rum creates an isolated network on
 * a /24 nothing else uses, marks it, starts and autostarts it; asks again
 * without changing it; and removes only networks it made that no domain uses
 * (a defined, never started domain counts as a user). Every network and domain
 * made here carries this run's prefix and is removed in afterAll.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RumError } from "../../src/errors";
import {
  checkBridge,
  ensureNetwork,
  networkSubnet,
  removeNetworkIfUnused,
} from "../../src/host/networks";
import {
  formatIPv4,
  formatSubnet,
  overlaps,
  parseCidr,
  pickFreeSubnet,
  type Subnet,
} from "../../src/host/networks-ipv4";
import { parseNetwork } from "../../src/host/networks-model";
import { Virsh } from "../../src/host/virsh";
import { present } from "../support/precondition";

const URI = "qemu:///system";
const v = new Virsh(URI);
const run = crypto.randomUUID().slice(0, 6);
const dir = mkdtempSync(join(tmpdir(), "rum-networks-"));
let serial = 0;
const unique = (what: string) => `rumtest-${run}-${what}${serial++}`;

function virsh(...args: string[]): { ok: boolean; out: string; err: string } {
  const r = Bun.spawnSync(["virsh", "-q", "-c", URI, ...args]);
  return { ok: r.exitCode === 0, out: r.stdout.toString(), err: r.stderr.toString() };
}

const libvirtUp = present(`libvirt at ${URI}`, virsh("version").ok);

const mine = (list: string) =>
  list
    .split("\n")
    .map((l) => l.trim())
    .filter((n) => n.startsWith(`rumtest-${run}-`));

afterAll(() => {
  for (const d of mine(virsh("list", "--all", "--name").out)) virsh("undefine", d);
  for (const n of mine(virsh("net-list", "--all", "--name").out)) {
    virsh("net-destroy", n);
    virsh("net-undefine", n);
  }
  rmSync(dir, { recursive: true, force: true });
});

function subnetsNow(): Subnet[] {
  const names = virsh("net-list", "--all", "--name")
    .out.split("\n")
    .map((l) => l.trim());
  return names
    .filter(Boolean)
    .flatMap((n) => parseNetwork(virsh("net-dumpxml", n).out)?.ipv4 ?? [])
    .map((i) => i.subnet);
}

function save(name: string, xml: string): string {
  const file = join(dir, name);
  writeFileSync(file, xml);
  return file;
}

/** A network made by hand (no rum mark), inactive. */
function handMadeNetwork(dhcp: boolean): string {
  const name = unique("hand");
  const subnet = pickFreeSubnet(name, subnetsNow()) as Subnet;
  const at = (host: number) => formatIPv4(subnet.base + host);
  const pool = dhcp ? `<dhcp><range start='${at(100)}' end='${at(200)}'/></dhcp>` : "";
  const xml = `<network><name>${name}</name><bridge name='rumt${run}${serial}'/><ip address='${at(1)}' netmask='255.255.255.0'>${pool}</ip></network>`;
  expect(virsh("net-define", save(`${name}.xml`, xml)).ok).toBe(true);
  return name;
}

/** A domain that is defined, never started, with one NIC on `network`. */
function dummyDomain(network: string): string {
  const name = unique("dom");
  const xml = `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><os><type arch='x86_64'>hvm</type></os><devices><interface type='network'><source network='${network}'/></interface></devices></domain>`;
  const r = virsh("define", save(`${name}.xml`, xml));
  expect(r.err).toBe("");
  return name;
}

describe.skipIf(!libvirtUp)("networks on the real libvirt", () => {
  test("a missing network is created isolated, marked, active and autostarted on a free /24", async () => {
    const before = subnetsNow();
    const name = unique("net");
    const got = await ensureNetwork(v, name, { domain: "owner-a" });
    expect(got).toMatchObject({ created: true, owned: true, dhcp: true });
    const subnet = parseCidr(got.subnet ?? "") as Subnet;
    expect(subnet.prefix).toBe(24);
    expect(overlaps(subnet, parseCidr("192.168.122.0/24") as Subnet)).toBe(false);
    expect(before.some((b) => overlaps(b, subnet))).toBe(false);
    expect(await networkSubnet(v, name)).toBe(got.subnet);

    const info = virsh("net-info", name).out;
    expect(info).toMatch(/^Active:\s+yes/m);
    expect(info).toMatch(/^Persistent:\s+yes/m);
    expect(info).toMatch(/^Autostart:\s+yes/m);
    const xml = virsh("net-dumpxml", "--inactive", name).out;
    expect(xml).not.toContain("<forward");
    const validate = Bun.spawnSync(["virt-xml-validate", save(`${name}.xml`, xml), "network"]);
    expect(validate.stderr.toString()).toEndWith(" validates\n");
    expect(validate.exitCode).toBe(0);
    const net = parseNetwork(xml);
    expect(net?.owners).toEqual(["owner-a"]);
    expect(net?.bridge).toMatch(/^rum-br-[0-9a-f]{8}$/);
    expect(Bun.spawnSync(["ip", "link", "show", net?.bridge ?? "?"]).exitCode).toBe(0);
    await checkBridge(v, net?.bridge ?? "?");

    // Asking again changes nothing; another domain asking joins the owners.
    expect(await ensureNetwork(v, name, { domain: "owner-a" })).toEqual({ ...got, created: false });
    expect(virsh("net-dumpxml", "--inactive", name).out).toBe(xml);
    await ensureNetwork(v, name, { domain: "owner-b" });
    expect(parseNetwork(virsh("net-dumpxml", "--inactive", name).out)?.owners).toEqual([
      "owner-a",
      "owner-b",
    ]);
  });

  test("networks created in a row get different subnets", async () => {
    const a = await ensureNetwork(v, unique("row"), { domain: "d" });
    const b = await ensureNetwork(v, unique("row"), { domain: "d" });
    expect(overlaps(parseCidr(a.subnet ?? "") as Subnet, parseCidr(b.subnet ?? "") as Subnet)).toBe(
      false,
    );
  });

  test("a network for a fixed address is put on that address's /24, if free", async () => {
    const free = pickFreeSubnet(unique("probe"), subnetsNow()) as Subnet;
    const ip = formatIPv4(free.base + 7);
    const got = await ensureNetwork(v, unique("fixed"), { domain: "d" }, { addresses: [ip] });
    expect(got.subnet).toBe(formatSubnet(free));
    const name = unique("clash");
    await expect(
      ensureNetwork(v, name, { domain: "d" }, { addresses: ["192.168.122.50"] }),
    ).rejects.toThrow(/192\.168\.122\.0\/24 .*already in use/);
    expect(virsh("net-info", name).ok).toBe(false);
  });

  test("an existing network is started, used as it is, never marked", async () => {
    const name = handMadeNetwork(true);
    const xml = virsh("net-dumpxml", "--inactive", name).out;
    const got = await ensureNetwork(v, name, { domain: "d" });
    expect(got).toMatchObject({ created: false, owned: false, dhcp: true });
    expect(virsh("net-info", name).out).toMatch(/^Active:\s+yes/m);
    expect(virsh("net-dumpxml", "--inactive", name).out).toBe(xml);
  });

  test("only unused networks rum made are removed", async () => {
    const unused = unique("gone");
    await ensureNetwork(v, unused, { domain: "d1" });
    expect(await removeNetworkIfUnused(v, unused, { domain: "d1" })).toBe(true);
    expect(virsh("net-info", unused).ok).toBe(false);
    expect(await removeNetworkIfUnused(v, unused, { domain: "d1" })).toBe(false);

    const shared = unique("kept");
    await ensureNetwork(v, shared, { domain: "d1" });
    const user = dummyDomain(shared);
    await ensureNetwork(v, shared, { domain: user });
    expect(await removeNetworkIfUnused(v, shared, { domain: "d1" })).toBe(false);
    expect(virsh("net-info", shared).out).toMatch(/^Active:\s+yes/m);
    // d1 left the owners; the user domain stays.
    expect(parseNetwork(virsh("net-dumpxml", "--inactive", shared).out)?.owners).toEqual([user]);
    expect(virsh("undefine", user).ok).toBe(true);
    expect(await removeNetworkIfUnused(v, shared, { domain: user })).toBe(true);

    const hand = handMadeNetwork(false);
    expect(await removeNetworkIfUnused(v, hand, { domain: "d1" })).toBe(false);
    expect(virsh("net-info", hand).ok).toBe(true);
    expect(await removeNetworkIfUnused(v, "default", { domain: "d1" })).toBe(false);
  });

  test("bridges: a missing one or a non-bridge is a RumError; remote URIs are not checked", async () => {
    const missing = checkBridge(v, "rumnobr0");
    await expect(missing).rejects.toBeInstanceOf(RumError);
    await expect(missing).rejects.toMatchObject({
      hint: expect.stringContaining("ip link add rumnobr0 type bridge"),
    });
    await expect(checkBridge(v, "lo")).rejects.toThrow(/not a bridge/);
    await checkBridge(new Virsh("qemu+ssh://nowhere.invalid/system"), "rumnobr0");
  });
});
