/**
 * The JSON Schema of rum.toml, for editors: taplo (Even Better TOML) reads it
 * from a `#:schema ./rum.schema.json` line at the top of the file. It is the
 * typebox schema, adjusted to describe the file rather than the resolved
 * config, plus the document header. The repo's committed rum.schema.json is
 * this text (a unit test keeps them identical).
 */
import { ConfigSchema } from "./schema";

export const SCHEMA_ID = "urn:rum:schema:rum.toml";

export function configJsonSchema(): Record<string, unknown> {
  // typebox types are JSON Schema already; the round trip drops its non-enumerable markers.
  const body = fileSchema(JSON.parse(JSON.stringify(ConfigSchema))) as Record<string, unknown>;
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    $id: SCHEMA_ID,
    ...body,
    title: "rum.toml",
    description: "A rum virtual machine: one rum.toml per VM (see `rum skill`)",
  };
}

/** What `rum schema` prints and rum.schema.json holds. */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}

/**
 * The schema requires keys that have defaults (rum validates after filling
 * them in), but in the file they may be left out: drop them from `required`.
 */
function fileSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(fileSchema);
  if (typeof node !== "object" || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "properties" || key === "patternProperties") {
      out[key] = Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, fileSchema(v)]),
      );
    } else {
      // `examples`, `default` and `const` are data, not schemas.
      out[key] =
        key === "examples" || key === "default" || key === "const" ? value : fileSchema(value);
    }
  }
  const props = out.properties as Record<string, { default?: unknown }> | undefined;
  if (Array.isArray(out.required) && props) {
    const required = out.required.filter((k: string) => props[k]?.default === undefined);
    if (required.length > 0) out.required = required;
    else delete out.required;
  }
  return out;
}
