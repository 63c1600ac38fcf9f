/**
 * Creating a network rum owns: an isolated host-only network on a /24 that
 * neither libvirt's other networks nor the host's interfaces and routes use,
 * with its own bridge, defined persistently, autostarted and started.
 */
import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "pathe";
import { RumError } from "../errors";
import { hostInterfaces, hostSubnets, MAX_IFNAME } from "./networks-host";
import { formatSubnet, overlaps, parseCidr, pickFreeSubnet, type Subnet } from "./networks-ipv4";
import { type NetworkInfo, newNetworkXml, parseNetwork } from "./networks-model";
import { ProcessError, stderrTail } from "./proc";
import type { Virsh } from "./virsh";

/** How often a subnet libvirt finds taken at start (a host we cannot see, a racing rum) is replaced. */
const START_ATTEMPTS = 4;

/** The persistent definition; null when there is no such network. */
export async function readNetwork(v: Virsh, name: string): Promise<NetworkInfo | null> {
  const xml = await v.lookup(["net-dumpxml", "--inactive", name]);
  if (xml === null) return null;
  const net = parseNetwork(xml);
  if (net) return net;
  throw new RumError(`cannot read the definition of libvirt network "${name}"`, {
    hint: `check it with \`virsh net-dumpxml ${name}\`; attach the NIC to another network if it is not a plain libvirt network`,
  });
}

export async function isActive(v: Virsh, name: string): Promise<boolean> {
  return /^Active:\s+yes/m.test((await v.lookup(["net-info", name])) ?? "");
}

/** Define from XML text; virsh reads the file on the client, so this works remotely too. */
export async function defineNetwork(v: Virsh, xml: string): Promise<void> {
  // Not /dev/stdin: Bun hands children a socket for stdin, which open(2) refuses.
  const dir = await mkdtemp(join(tmpdir(), "rum-net-"));
  try {
    const file = join(dir, "network.xml");
    await writeFile(file, xml, { mode: 0o600 });
    await v.run(["net-define", file]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function startNetwork(v: Virsh, name: string): Promise<void> {
  try {
    await v.run(["net-start", name]);
  } catch (e) {
    if (!(e instanceof ProcessError)) throw e;
    throw new RumError(`cannot start libvirt network "${name}" at ${v.uri}`, {
      details: [stderrTail(e.result.stderr)],
      hint: `its subnet or bridge may clash with a host interface (compare \`virsh net-dumpxml ${name}\` with \`ip -4 addr\`), or dnsmasq is missing (see \`rum doctor\`)`,
      cause: e,
    });
  }
}

async function allNetworks(v: Virsh): Promise<NetworkInfo[]> {
  const names = (await v.run(["net-list", "--all", "--name"])).split("\n").map((l) => l.trim());
  // An unreadable definition only hides its subnet here; libvirt's start check still sees it.
  const dumps = await Promise.all(names.filter(Boolean).map((n) => v.lookup(["net-dumpxml", n])));
  return dumps.flatMap((xml) => (xml === null ? [] : (parseNetwork(xml) ?? [])));
}

/** `rum-br-` + 8 hex digits: unique, and within Linux's 15-character interface names. */
function bridgeName(name: string, taken: ReadonlySet<string>): string {
  for (let salt = 0; ; salt++) {
    const hash = createHash("sha256").update(`${name}:${salt}`).digest("hex");
    const bridge = `rum-br-${hash.slice(0, MAX_IFNAME - "rum-br-".length)}`;
    if (!taken.has(bridge)) return bridge;
  }
}

/** The /24 holding the first wanted fixed address when it is free, else any free /24. */
function chooseSubnet(name: string, used: readonly Subnet[], addresses: readonly string[]): Subnet {
  const wanted = addresses.map((a) => parseCidr(`${a}/24`)).find((s) => s !== null);
  if (wanted) {
    const clash = used.find((u) => overlaps(u, wanted));
    if (!clash) return wanted;
    throw new RumError(
      `cannot create network "${name}" on ${formatSubnet(wanted)} for the fixed ip: ${formatSubnet(clash)} is already in use on the host`,
      {
        hint: `pick fixed addresses in a subnet the host does not use, or create "${name}" yourself (\`virsh net-define\`) and choose addresses inside it`,
      },
    );
  }
  const free = pickFreeSubnet(name, used);
  if (free) return free;
  throw new RumError(`no free /24 left in 10.77.0.0/16 or 192.168.0.0/16 for network "${name}"`, {
    hint: "remove unused libvirt networks (`virsh net-list --all`), or create the network yourself",
  });
}

/** Define, autostart and start a new network owned by `domain`; returns its subnet. */
export async function createNetwork(
  v: Virsh,
  name: string,
  domain: string,
  addresses: readonly string[],
): Promise<Subnet> {
  const [nets, host] = await Promise.all([allNetworks(v), hostSubnets(v)]);
  const used = [...host, ...nets.flatMap((n) => n.ipv4.map((i) => i.subnet))];
  const bridges = new Set([...hostInterfaces(v), ...nets.flatMap((n) => n.bridge ?? [])]);
  for (let attempt = 1; ; attempt++) {
    const subnet = chooseSubnet(name, used, addresses);
    const bridge = bridgeName(name, bridges);
    await defineNetwork(v, newNetworkXml(name, bridge, subnet, domain));
    try {
      await v.run(["net-autostart", name]);
      await startNetwork(v, name);
      return subnet;
    } catch (e) {
      // Never leave a half-made network behind for the next `rum up` to trip over.
      await v.lookup(["net-undefine", name]).catch(() => null);
      const clash = e instanceof RumError && /in use|already/i.test(e.details.join(" "));
      if (!clash || attempt >= START_ATTEMPTS || addresses.length > 0) throw e;
      used.push(subnet);
      bridges.add(bridge);
    }
  }
}
