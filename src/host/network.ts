/**
 * libvirt networks: the `default` NAT network every rum VM uses unless
 * `[network] nat = false`.
 */
import { existsSync } from "node:fs";
import { RumError } from "../errors";
import type { Virsh } from "./virsh";

const DEFAULT_TEMPLATE = "/usr/share/libvirt/networks/default.xml";

/** Define `default` from libvirt's template if missing; start it if inactive. */
export async function ensureDefaultNetwork(v: Virsh, known?: string | null): Promise<void> {
  let info = known === undefined ? await v.lookup(["net-info", "default"]) : known;
  if (info === null) {
    if (v.uri.includes("+") || !existsSync(DEFAULT_TEMPLATE)) {
      throw new RumError(`libvirt network "default" does not exist at ${v.uri}`, {
        hint: `define it on the libvirt host: virsh net-define ${DEFAULT_TEMPLATE} && virsh net-start default (or set [network] nat = false)`,
      });
    }
    await v.run(["net-define", DEFAULT_TEMPLATE]);
    info = await v.run(["net-info", "default"]);
  }
  if (!/^Active:\s+yes/m.test(info)) {
    try {
      await v.run(["net-start", "default"]);
    } catch (e) {
      throw new RumError(`cannot start libvirt network "default" at ${v.uri}`, {
        hint: "another network may use 192.168.122.0/24, or dnsmasq is missing: see `rum doctor`",
        cause: e,
      });
    }
  }
}
