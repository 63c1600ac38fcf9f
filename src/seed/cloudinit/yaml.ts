/**
 * A small YAML emitter for the seed documents: block mappings and sequences,
 * scalars styled by yaml-scalar.ts. Values never pass through string
 * templates, so no script, key comment or path can change the document's
 * structure. Output reads the same under YAML 1.1 (PyYAML, cloud-init) and 1.2.
 */
import { doubleQuoted, formatNumber, isPlainSafe, literalBlock } from "./yaml-scalar";

export type YamlScalar = string | number | boolean | null;
export type YamlValue = YamlScalar | readonly YamlValue[] | YamlMap;
/** Entries whose value is undefined are left out, which keeps optional keys terse. */
export interface YamlMap {
  readonly [key: string]: YamlValue | undefined;
}

const INDENT = 2;

function isSequence(value: YamlValue): value is readonly YamlValue[] {
  return Array.isArray(value);
}

function isMap(value: YamlValue): value is YamlMap {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A scalar on one line: plain when provably safe, else double-quoted. */
function inlineScalar(value: YamlScalar): string {
  if (value === null) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") return formatNumber(value);
  return isPlainSafe(value) ? value : doubleQuoted(value);
}

function mapEntries(map: YamlMap): [string, YamlValue][] {
  const entries: [string, YamlValue][] = [];
  for (const [key, value] of Object.entries(map))
    if (value !== undefined) entries.push([key, value]);
  return entries;
}

function isEmptyCollection(value: YamlValue): boolean {
  return (
    (isSequence(value) && value.length === 0) || (isMap(value) && mapEntries(value).length === 0)
  );
}

/**
 * The lines for `value` introduced by `lead` ("key:" or "-") at column
 * `indent`. Nested content goes 2 columns deeper; a collection inside a
 * sequence starts on the dash's line (`- name: x`, `- - a`).
 */
function node(lead: string, value: YamlValue, indent: number): string[] {
  const pad = " ".repeat(indent);
  if (isSequence(value) || isMap(value)) {
    if (isEmptyCollection(value)) return [`${pad}${lead} ${isSequence(value) ? "[]" : "{}"}`];
    const inner = collection(value, indent + INDENT);
    const first = inner[0] ?? "";
    if (lead === "-") inner[0] = `${pad}- ${first.slice(indent + INDENT)}`;
    else inner.unshift(`${pad}${lead}`);
    return inner;
  }
  const block = typeof value === "string" ? literalBlock(value) : undefined;
  if (!block) return [`${pad}${lead} ${inlineScalar(value)}`];
  const contentPad = " ".repeat(indent + INDENT);
  // Empty lines stay truly empty: they carry no content, only a line break.
  const lines = [`${pad}${lead} ${block.header}`];
  for (const line of block.lines) lines.push(line === "" ? "" : contentPad + line);
  return lines;
}

/** Not push(...more): a script of a few hundred thousand lines would overflow the call's arguments. */
function appendAll(lines: string[], more: readonly string[]): void {
  for (const line of more) lines.push(line);
}

function collection(value: readonly YamlValue[] | YamlMap, indent: number): string[] {
  const lines: string[] = [];
  if (isSequence(value)) {
    for (const item of value) appendAll(lines, node("-", item, indent));
  } else {
    for (const [key, item] of mapEntries(value)) {
      const keyText = isPlainSafe(key) ? key : doubleQuoted(key);
      appendAll(lines, node(`${keyText}:`, item, indent));
    }
  }
  return lines;
}

/** One YAML document (no `---`), ending with a newline. */
export function toYaml(doc: YamlValue): string {
  if ((isSequence(doc) || isMap(doc)) && !isEmptyCollection(doc)) {
    return `${collection(doc, 0).join("\n")}\n`;
  }
  if (isSequence(doc)) return "[]\n";
  if (isMap(doc)) return "{}\n";
  return `${inlineScalar(doc)}\n`;
}
