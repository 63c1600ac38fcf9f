/**
 * rum only ever touches domains that carry its metadata mark. A domain with
 * the right name but no mark (made by hand, or by another tool) is refused.
 */
import { parseRumMetadata } from "../domain/index";
import type { RumMetadata } from "../domain/spec";
import { RumError } from "../errors";
import type { BatchAnswer, DomainState } from "../host/virsh";
import type { Vm } from "./context";

export interface OwnedDomain {
  state: DomainState;
  xml: string;
  metadata: RumMetadata;
}

/** The virsh questions ownedFrom reads, to put first in a batch with others. */
export function domainQueries(vm: Vm): string[][] {
  return [
    ["dumpxml", "--inactive", vm.domain],
    ["domstate", vm.domain],
  ];
}

/** The VM's domain if it exists (null if not); throws if it exists but is not rum's. */
export async function ownedDomain(vm: Vm): Promise<OwnedDomain | null> {
  const [xml, state] = await vm.virsh.batch(domainQueries(vm));
  return ownedFrom(vm, xml, state);
}

/** ownedDomain from the answers to domainQueries. */
export function ownedFrom(
  vm: Vm,
  xmlAnswer: BatchAnswer | undefined,
  stateAnswer: BatchAnswer | undefined,
): OwnedDomain | null {
  const xml = xmlAnswer ? vm.virsh.found(xmlAnswer) : null;
  if (xml === null) return null;
  const domState = stateAnswer ? vm.virsh.found(stateAnswer)?.trim() : undefined;
  const metadata = parseRumMetadata(xml);
  if (!metadata) {
    throw new RumError(
      `libvirt domain ${vm.domain} exists but was not created by rum; rum will not touch it`,
      {
        hint: `rename or remove that domain yourself (virsh -c ${vm.virsh.uri} undefine ${vm.domain}), or set another \`name\` in rum.toml`,
      },
    );
  }
  const state = (domState || "shut off") as DomainState;
  return { state, xml, metadata };
}
