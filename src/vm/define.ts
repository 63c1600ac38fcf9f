/**
 * Defining the domain, and remembering the spec it was defined from so a later
 * `rum up` can say exactly which settings changed.
 */
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "pathe";
import { diffDomains, domainXml } from "../domain/index";
import type { DomainSpec } from "../domain/spec";
import { writeJsonAtomic } from "../util/atomic-write";
import type { Vm } from "./context";

const SPEC_FILE = "domain-spec.json";

export async function lastSpec(vm: Vm): Promise<DomainSpec | null> {
  try {
    return JSON.parse(await readFile(join(vm.stateDir, SPEC_FILE), "utf8")) as DomainSpec;
  } catch {
    return null;
  }
}

/** Settings that differ from the definition in force (empty = unchanged). */
export async function changedSettings(vm: Vm, spec: DomainSpec): Promise<string[]> {
  const last = await lastSpec(vm);
  if (!last) return ["(no record of the applied configuration)"];
  return diffDomains(last, spec);
}

/** `existing`: the domain as rum up found it; a redefinition keeps its UUID. */
export async function defineDomain(
  vm: Vm,
  spec: DomainSpec,
  existing: { xml: string } | null,
): Promise<void> {
  const uuid = existing ? /<uuid>([^<]+)<\/uuid>/.exec(existing.xml)?.[1]?.trim() : undefined;
  const xml = domainXml(uuid ? { ...spec, uuid } : spec);
  const file = join(vm.stateDir, "domain.xml");
  await writeFile(file, xml, { mode: 0o600 });
  await vm.virsh.run(["define", file]);
  await writeJsonAtomic(join(vm.stateDir, SPEC_FILE), spec);
}

export async function forgetSpec(vm: Vm): Promise<void> {
  await rm(join(vm.stateDir, SPEC_FILE), { force: true });
}
