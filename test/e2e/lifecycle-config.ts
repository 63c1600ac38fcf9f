/**
 * The lifecycle guest's rum.toml and the host bridge it is given. The guest
 * carries the documented settings that need a real boot to prove (three NICs,
 * `[ssh] interface`, xfs and btrfs drives, `wait_for_ip`), so they ride on the
 * boots the lifecycle test makes anyway.
 */
import { ensureNetwork } from "../../src/host/networks";
import { readNetwork } from "../../src/host/networks-create";
import { Virsh } from "../../src/host/virsh";
import { URI } from "./harness";

export interface LifeConfig {
  url: string;
  sha256: string;
  /** A host bridge (not virbr0) the SSH NIC is attached to. */
  bridge: string;
  cpus: number;
  waitForIp?: boolean;
}

/**
 * Three NICs: the NAT one (first), one bridged onto virbr0 (the default
 * network's bridge; its dnsmasq answers DHCP there too) and one bridged onto
 * `bridge`, which `[ssh] interface` names. SSH goes over the last one because
 * it is alone on its segment: two NICs of one guest on virbr0 both answer ARP
 * for either address (Linux's default arp_ignore = 0), so the host's ARP
 * table, where rum looks a bridged NIC up, may pair virbr0's address with
 * either MAC.
 */
export function lifeConfig(c: LifeConfig): string {
  return `name = "life"
[image]
base = "${c.url}"
sha256 = "${c.sha256}"
[resources]
cpus = ${c.cpus}
memory_mb = 1024
disk = "4G"
[network]
ip_wait_timeout_s = 900
wait_for_ip = ${c.waitForIp ?? true}
[[network.interfaces]]
bridge = "virbr0"
[[network.interfaces]]
bridge = "${c.bridge}"
[ssh]
interface = "${c.bridge}"
[user]
name = "dev"
groups = ["adm"]
[drives.xfsdisk]
size = "512M"
[drives.btr1]
size = "512M"
[drives.btr2]
size = "512M"
[[fs.xfs]]
drive = "xfsdisk"
target = "/srv/xfs"
[[fs.btrfs]]
drives = ["btr1", "btr2"]
mode = "raid1"
target = "/srv/btrfs"
[advanced]
domain_type = "qemu"
autologin = true
[provision.system]
script = """
echo "system provisioning ran"
echo run >> /var/tmp/system-runs
"""
[provision.boot]
script = "echo boot >> /var/tmp/boot-runs"
`;
}

/**
 * A host bridge with DHCP that only this test uses: an isolated libvirt
 * network (named with this run's id, so no other test's cleanup takes it).
 * rum sees only the bridge; the network's dnsmasq gives the guest its lease.
 */
export async function makeBridge(): Promise<{ network: string; bridge: string; drop(): void }> {
  const v = new Virsh(URI);
  const network = `rumtest-life-${crypto.randomUUID().slice(0, 6)}`;
  await ensureNetwork(v, network, { domain: "lifecycle-test" });
  const bridge = (await readNetwork(v, network))?.bridge;
  if (!bridge) throw new Error(`network ${network} has no bridge`);
  const drop = () => {
    for (const cmd of ["net-destroy", "net-undefine"])
      Bun.spawnSync(["virsh", "-c", URI, cmd, network]);
  };
  return { network, bridge, drop };
}

/** `ip -j addr` in the guest: each interface's MAC and IPv4 addresses. */
export function guestAddresses(ipJson: string): { mac: string; ipv4: string[] }[] {
  const links = JSON.parse(ipJson) as {
    address?: string;
    addr_info?: { family: string; local: string }[];
  }[];
  return links.map((l) => ({
    mac: (l.address ?? "").toLowerCase(),
    ipv4: (l.addr_info ?? []).filter((a) => a.family === "inet").map((a) => a.local),
  }));
}
