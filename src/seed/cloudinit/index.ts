/**
 * The cloud-init NoCloud seed documents (pure: no I/O). The ISO writer puts
 * them in a `CIDATA` volume; the host side uses guest-paths.ts to find what
 * the seed set up inside the guest.
 */
import type { SeedInput } from "./input";
import { metaData } from "./meta-data";
import { networkConfig } from "./network-config";
import { userData } from "./user-data";

export { zfsPoolName } from "./filesystems";
export * from "./guest-paths";
export type * from "./input";
export { instanceId, metaData } from "./meta-data";
export { networkConfig } from "./network-config";
export { consolePassword, userData } from "./user-data";
export { type ExtraProblem, parseExtraUserData, RESERVED_KEYS } from "./user-extra";

export interface SeedFiles {
  "meta-data": string;
  "user-data": string;
  "network-config": string;
}

export function seedFiles(input: SeedInput): SeedFiles {
  return {
    "meta-data": metaData(input),
    "user-data": userData(input),
    "network-config": networkConfig(input),
  };
}
