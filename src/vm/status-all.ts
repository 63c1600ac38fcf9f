/**
 * `rum status --all`: every rum VM on a libvirt host, found by the metadata
 * mark in each domain's XML, so several projects on one server show together.
 */
import { parseRumMetadata } from "../domain/index";
import type { Virsh } from "../host/virsh";
import { batchable } from "../host/virsh-batch";

export interface VmSummary {
  name: string;
  domain: string;
  state: string;
  config: string;
}

export async function listRumVms(v: Virsh): Promise<VmSummary[]> {
  // rum's own names never hold a quote or a control character; skip the
  // names that do rather than fail the batch that asks about the rest.
  const domains = (await v.listDomains()).filter(batchable);
  if (domains.length === 0) return [];
  // Two virsh processes in all: the names, then every definition and state at once.
  const answers = await v.batch(
    domains.flatMap((d) => [
      ["dumpxml", "--inactive", d],
      ["domstate", d],
    ]),
  );
  const found = domains.map((domain, i) => {
    const xmlAnswer = answers[2 * i];
    const stateAnswer = answers[2 * i + 1];
    // A domain undefined between the two processes is simply not listed.
    const xml = xmlAnswer ? v.found(xmlAnswer) : null;
    const meta = xml ? parseRumMetadata(xml) : null;
    if (!meta) return null;
    const state = (stateAnswer ? v.found(stateAnswer)?.trim() : null) || "absent";
    return { name: meta.vmName, domain, state, config: meta.configPath };
  });
  return found
    .filter((s): s is VmSummary => s !== null)
    .sort((a, b) => a.name.localeCompare(b.name));
}
