/**
 * rum.toml's schema as reference tables, one per TOML table header. Walks the
 * JSON Schema that typebox produces (objects, arrays, records, unions of
 * literals), so a key added to src/config/schema.ts shows up by itself.
 */

/** The subset of JSON Schema that ConfigSchema uses. */
export interface SchemaNode {
  type?: string;
  title?: string;
  description?: string;
  default?: unknown;
  properties?: Record<string, SchemaNode>;
  required?: readonly string[];
  items?: SchemaNode;
  patternProperties?: Record<string, SchemaNode>;
  anyOf?: readonly SchemaNode[];
  const?: unknown;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
}

export interface SchemaRow {
  /** Dotted key path: `resources.cpus`, `mounts[].target`, `drives.<name>.size`. */
  path: string;
  type: string;
  /** The default as TOML, "required", or "" for an optional key without one. */
  default: string;
  description: string;
}

export interface SchemaSection {
  /** The TOML header that opens the table, e.g. `[[mounts]]`; "" for top-level keys. */
  header: string;
  description: string;
  rows: SchemaRow[];
}

const isTable = (n: SchemaNode) => n.type === "object" && n.properties !== undefined;
const recordValue = (n: SchemaNode) =>
  n.type === "object" && n.patternProperties ? Object.values(n.patternProperties)[0] : undefined;

export function schemaSections(root: SchemaNode): SchemaSection[] {
  const sections: SchemaSection[] = [];
  walk(root, "", "", root.description ?? "", sections);
  return sections.filter((s) => s.rows.length > 0);
}

function walk(
  node: SchemaNode,
  path: string,
  header: string,
  description: string,
  out: SchemaSection[],
): void {
  const section: SchemaSection = { header, description, rows: [] };
  out.push(section);
  const required = new Set(node.required ?? []);
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const keyPath = path ? `${path}.${key}` : key;
    const record = recordValue(child);
    if (isTable(child)) {
      walk(child, keyPath, `[${keyPath}]`, child.description ?? "", out);
    } else if (child.type === "array" && child.items && isTable(child.items)) {
      const desc = child.description ?? child.items.description ?? "";
      walk(child.items, `${keyPath}[]`, `[[${keyPath}]]`, desc, out);
    } else if (record && isTable(record)) {
      const desc = child.description ?? record.description ?? "";
      walk(record, `${keyPath}.<name>`, `[${keyPath}.<name>]`, desc, out);
    } else {
      section.rows.push({
        path: keyPath,
        type: typeName(child),
        default: defaultText(child, required.has(key)),
        description: child.description ?? "",
      });
    }
  }
}

export function typeName(n: SchemaNode): string {
  // A named string format (e.g. title "size") reads better than its regex.
  if (n.title) return n.title;
  if (n.anyOf?.every((a) => a.const !== undefined)) {
    return n.anyOf.map((a) => JSON.stringify(a.const)).join(" | ");
  }
  if (n.type === "array") {
    const item = n.items ? typeName(n.items) : "any";
    return item.includes(" ") ? `list of ${item}` : `${item}[]`;
  }
  if (n.type === "integer" || n.type === "number") {
    const { minimum: lo, maximum: hi } = n;
    if (lo !== undefined && hi !== undefined) return `${n.type} ${lo}..${hi}`;
    if (lo !== undefined) return `${n.type} ≥ ${lo}`;
    return n.type;
  }
  if (n.type === "string" && n.pattern) return `string matching \`${n.pattern}\``;
  if (n.type === "string" && n.minLength) return "non-empty string";
  return n.type ?? "any";
}

function defaultText(n: SchemaNode, required: boolean): string {
  if (n.default !== undefined) return tomlValue(n.default);
  return required ? "required" : "";
}

function tomlValue(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(tomlValue).join(", ")}]`;
  return String(v);
}
