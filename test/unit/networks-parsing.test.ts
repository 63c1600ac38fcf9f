/**
 * The pure parts of extra networks: IPv4 arithmetic and the free-/24 search,
 * the host's `ip` output, remote URI detection, libvirt XML read back and
 * rewritten (rum's owner mark), and which networks a domain's NICs use.
 */
import { describe, expect, test } from "bun:test";
import { parseIpAddr, parseIpRoute } from "../../src/host/networks-host";
import {
  formatSubnet,
  netmaskPrefix,
  overlaps,
  parseCidr,
  parseIPv4,
  pickFreeSubnet,
  type Subnet,
} from "../../src/host/networks-ipv4";
import { newNetworkXml, parseNetwork, withOwners } from "../../src/host/networks-model";
import { interfaceNetworks } from "../../src/host/networks-users";
import { parseXml } from "../../src/host/networks-xml";
import { isRemoteUri } from "../../src/host/uri";

const cidr = (s: string) => parseCidr(s) as Subnet;

describe("IPv4", () => {
  test("addresses, masks and overlap", () => {
    expect(parseIPv4("10.77.3.1")).toBe(0x0a4d0301);
    for (const bad of ["10.77.3", "10.77.3.256", "a.b.c.d", "1.2.3.4.5", ""]) {
      expect(parseIPv4(bad)).toBeNull();
    }
    expect(formatSubnet(cidr("192.168.122.1/24"))).toBe("192.168.122.0/24");
    expect(formatSubnet(cidr("10.0.0.5"))).toBe("10.0.0.5/32");
    expect(parseCidr("10.0.0.0/33")).toBeNull();
    expect(netmaskPrefix("255.255.255.0")).toBe(24);
    expect(netmaskPrefix("255.0.255.0")).toBeNull();
    expect(overlaps(cidr("10.0.0.0/8"), cidr("10.77.3.0/24"))).toBe(true);
    expect(overlaps(cidr("10.77.3.0/24"), cidr("10.77.4.0/24"))).toBe(false);
    expect(overlaps(cidr("255.255.255.0/24"), cidr("255.255.255.255/32"))).toBe(true);
  });

  test("the free /24 avoids every used subnet and is stable per name", () => {
    const first = pickFreeSubnet("lab", []) as Subnet;
    expect(first.prefix).toBe(24);
    expect(formatSubnet(first)).toStartWith("10.77.");
    expect(pickFreeSubnet("lab", [])).toEqual(first);
    const next = pickFreeSubnet("lab", [first]) as Subnet;
    expect(overlaps(next, first)).toBe(false);
    // All of 10.77/16 taken: the search moves on to 192.168/16, skipping what is used there.
    const taken = [cidr("10.77.0.0/16"), cidr("192.168.0.0/17")];
    const fallback = pickFreeSubnet("lab", taken) as Subnet;
    expect(taken.some((t) => overlaps(t, fallback))).toBe(false);
    expect(formatSubnet(fallback)).toStartWith("192.168.");
    expect(pickFreeSubnet("lab", [cidr("10.0.0.0/8"), cidr("192.168.0.0/16")])).toBeNull();
  });
});

describe("host and URI facts", () => {
  test("ip addr and ip route output", () => {
    const addr = [
      "1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever",
      "4: eth0    inet 192.0.2.2/24 brd 192.0.2.255 scope global eth0\\       valid_lft forever",
    ].join("\n");
    expect(parseIpAddr(addr).map(formatSubnet)).toEqual(["127.0.0.0/8", "192.0.2.0/24"]);
    const route = [
      "default via 192.0.2.1 dev eth0",
      "0.0.0.0/1 via 10.8.0.1 dev tun0",
      "10.8.0.0/16 dev tun0 proto kernel scope link src 10.8.0.2",
      "unreachable 172.16.0.0/12",
      "local 192.0.2.2 dev eth0 table local proto kernel scope host src 192.0.2.2",
    ].join("\n");
    expect(parseIpRoute(route).map(formatSubnet)).toEqual([
      "10.8.0.0/16",
      "172.16.0.0/12",
      "192.0.2.2/32",
    ]);
  });

  test("remote libvirt URIs", () => {
    for (const local of [
      "qemu:///system",
      "qemu+unix:///system",
      "qemu:///session",
      "test:///default",
    ]) {
      expect(isRemoteUri(local)).toBe(false);
    }
    for (const remote of [
      "qemu+ssh://u@h/system",
      "qemu://h/system",
      "qemu+tls://h/system",
      "qemu+ssh:///system",
    ]) {
      expect(isRemoteUri(remote)).toBe(true);
    }
  });
});

const LIBVIRT_NET = `<network>
  <name>lab &amp; co</name>
  <uuid>9ef436c3-8893-4c79-9d48-6f822fc11508</uuid>
  <metadata>
    <other:thing xmlns:other="https://example.com/x">keep &lt;me&gt;</other:thing>
    <r:network xmlns:r="https://rum.dev/xmlns/network/1">
      <r:owner domain="a"/>
      <r:owner domain='b'/>
    </r:network>
  </metadata>
  <bridge name='rum-br-9fe32991' stp='on' delay='0'/>
  <!-- a comment -->
  <ip family='ipv6' address='fd00::1' prefix='64'/>
  <ip address='10.77.3.1' netmask='255.255.255.0'>
    <dhcp>
      <range start='10.77.3.100' end='10.77.3.254'/>
      <host mac='52:54:00:AA:BB:CC' name='web' ip='10.77.3.10'/>
    </dhcp>
  </ip>
</network>`;

describe("network XML", () => {
  test("a libvirt dump reads back: subnets, reservations, bridge, rum's owners", () => {
    const net = parseNetwork(LIBVIRT_NET);
    expect(net?.name).toBe("lab & co");
    expect(net?.bridge).toBe("rum-br-9fe32991");
    expect(net?.owners).toEqual(["a", "b"]);
    expect(net?.ipv4).toHaveLength(1);
    expect(net?.ipv4[0]?.index).toBe(1);
    expect(formatSubnet(net?.ipv4[0]?.subnet as Subnet)).toBe("10.77.3.0/24");
    expect(net?.ipv4[0]?.hosts).toEqual([
      { mac: "52:54:00:aa:bb:cc", ip: "10.77.3.10", name: "web" },
    ]);
  });

  test("no mark means not rum's; a foreign namespace is not the mark", () => {
    const foreign = LIBVIRT_NET.replace("rum.dev/xmlns/network/1", "example.org/network");
    expect(parseNetwork(foreign)?.owners).toBeNull();
    expect(parseNetwork("<network><name>n</name></network>")?.owners).toBeNull();
  });

  test("rewriting the owner list keeps everything else", () => {
    const net = parseNetwork(LIBVIRT_NET);
    if (!net) throw new Error("unparsed");
    const again = parseNetwork(withOwners(net, ["b", "c<&>"]));
    expect(again?.owners).toEqual(["b", "c<&>"]);
    expect({ ...again, owners: null, tree: null }).toEqual({ ...net, owners: null, tree: null });
    expect(withOwners(net, [])).toContain("keep &lt;me&gt;");
  });

  test("a new network is isolated, marked and reads back", () => {
    const xml = newNetworkXml("n'1", "rum-br-00000000", cidr("10.77.9.0/24"), "dom");
    expect(xml).not.toContain("<forward");
    const net = parseNetwork(xml);
    expect(net?.name).toBe("n'1");
    expect(net?.owners).toEqual(["dom"]);
    expect(net?.ipv4[0]?.dhcp).toBe(true);
    expect(xml).toContain("<range start='10.77.9.100' end='10.77.9.254'/>");
  });

  test("text that is not well-formed is refused, not guessed at", () => {
    for (const bad of ["<a><b></a>", "<a>x < y</a>", "<a/><b/>", "<a>", "text"]) {
      expect(parseXml(bad)).toBeNull();
    }
  });

  test("a domain's network NICs", () => {
    const dom = `<domain type='kvm'><name>d</name><devices>
      <interface type='network'><mac address='52:54:00:00:00:01'/><source network='lab'/></interface>
      <interface type='bridge'><source bridge='br0'/></interface>
      <interface type='network'><source network='default'/></interface>
    </devices></domain>`;
    expect(interfaceNetworks(dom)).toEqual(["lab", "default"]);
    expect(interfaceNetworks("<domain><devices/></domain>")).toEqual([]);
    expect(interfaceNetworks("<domain><oops></domain>")).toBeNull();
  });
});
