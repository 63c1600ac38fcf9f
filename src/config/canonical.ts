/**
 * A config's fingerprint: sha256 of its JSON with keys sorted at every level,
 * so the same settings hash the same however the file orders them. `rum up`
 * compares it with the last applied one to notice a changed config.
 */
/** JSON with object keys sorted recursively; undefined values are left out, as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === "object" && v !== null && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, (v as Record<string, unknown>)[k]]),
        )
      : v,
  );
}

export function configHash(value: unknown): string {
  // Bun's hasher: the same digest as node:crypto's, without loading that module.
  return new Bun.CryptoHasher("sha256").update(canonicalJson(value)).digest("hex");
}
