/**
 * `rum status --all`: every rum VM on a libvirt host, found by the metadata
 * mark in each domain's XML, so several projects on one server show together.
 */
import { parseRumMetadata } from "../domain/index";
import type { Virsh } from "../host/virsh";

export interface VmSummary {
  name: string;
  domain: string;
  state: string;
  config: string;
}

export async function listRumVms(v: Virsh): Promise<VmSummary[]> {
  const domains = await v.listDomains();
  const found = await Promise.all(
    domains.map(async (domain) => {
      const xml = await v.dumpXml(domain, true);
      const meta = xml ? parseRumMetadata(xml) : null;
      if (!meta) return null;
      const state = (await v.domState(domain)) ?? "absent";
      return { name: meta.vmName, domain, state, config: meta.configPath };
    }),
  );
  return found
    .filter((s): s is VmSummary => s !== null)
    .sort((a, b) => a.name.localeCompare(b.name));
}
