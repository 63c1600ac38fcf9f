/** The domain XML generator: pure code, no I/O. */
export { MAX_EXTRA_DRIVES } from "./check";
export { hostEnforcesReadonly } from "./devices";
export { diffDomains } from "./diff";
export { domainXml } from "./domain-xml";
export { macFor } from "./mac";
export { parseRumMetadata, RUM_XMLNS, RUM_XMLNS_PREFIX } from "./metadata";
export type {
  DomainSpec,
  DriveSpec,
  MountSpec,
  NicSource,
  NicSpec,
  RumMetadata,
  UefiLoader,
} from "./spec";
export { escapeXml } from "./xml";
