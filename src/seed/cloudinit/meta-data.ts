/**
 * meta-data: the instance id and hostname. cloud-init runs its per-instance
 * modules (users, write_files, runcmd...) again whenever the instance id
 * changes, so the id is a hash of everything the seed is made from.
 */
import { createHash } from "node:crypto";
import type { SeedInput } from "./input";
import { networkConfig } from "./network-config";
import { userData } from "./user-data";
import { toYaml } from "./yaml";

/** JSON with object keys sorted and undefined members left out: equal inputs, equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const members = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`);
    return `{${members.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/**
 * `rum-` + 16 hex digits of sha256 over the input and the documents made
 * from it: a rum upgrade that changes the documents also needs a new instance
 * for cloud-init to apply them.
 */
export function instanceId(input: SeedInput): string {
  const hash = createHash("sha256");
  hash.update(canonicalJson(input));
  hash.update("\0");
  hash.update(userData(input));
  hash.update("\0");
  hash.update(networkConfig(input));
  return `rum-${hash.digest("hex").slice(0, 16)}`;
}

export function metaData(input: SeedInput): string {
  return toYaml({ "instance-id": instanceId(input), "local-hostname": input.hostname });
}
