/**
 * Stable MAC addresses for a domain's NICs. Derived, not random, so a
 * recreated VM keeps its addresses and DHCP reservations keep matching.
 */
/** 52:54:00 is QEMU's locally administered prefix; the rest is sha256("<domain>:<index>"). */
export function macFor(domainName: string, index: number): string {
  if (!Number.isSafeInteger(index) || index < 0) throw new Error(`bug: NIC index ${index}`);
  // Bun's hasher: node:crypto's digest, without loading that module on every VM command.
  const digest = new Bun.CryptoHasher("sha256").update(`${domainName}:${index}`).digest();
  const tail = [...digest.subarray(0, 3)].map((b) => b.toString(16).padStart(2, "0"));
  return ["52", "54", "00", ...tail].join(":");
}
