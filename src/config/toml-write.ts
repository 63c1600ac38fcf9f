/**
 * Plain data → TOML text, laid out as @iarna/toml's stringify lays it out
 * (inline keys first, then tables and arrays of tables, long arrays one item
 * a line, multi-line strings as """), except that integers are written as
 * people type them (2048, not 2_048). Why not iarna's: its writer
 * runs a chain of regular expressions over every string, which was the
 * largest cost left in `rum validate`; this one escapes in one pass (and
 * escapes every control character, where iarna escapes a string's first
 * only). A unit test holds it to iarna's output.
 */

type Data = Record<string, unknown>;
type Kind =
  | "undefined"
  | "null"
  | "integer"
  | "float"
  | "boolean"
  | "string"
  | "datetime"
  | "array"
  | "table";

export function stringifyToml(obj: Data): string {
  return writeTable("", "", obj);
}

function kindOf(value: unknown): Kind {
  if (value === undefined) return "undefined";
  if (value === null) return "null";
  if (typeof value === "bigint" || (Number.isInteger(value) && !Object.is(value, -0)))
    return "integer";
  if (typeof value === "number") return "float";
  if (typeof value === "boolean") return "boolean";
  if (typeof value === "string") return "string";
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "undefined" : "datetime";
  return Array.isArray(value) ? "array" : "table";
}

/** Written on the key's own line (`key = value`), not as a [table] or [[array of tables]]. */
function isInline(value: unknown): boolean {
  const kind = kindOf(value);
  if (kind === "array")
    return (value as unknown[]).length === 0 || kindOf((value as unknown[])[0]) !== "table";
  if (kind === "table") return Object.keys(value as Data).length === 0;
  return true;
}

function writeTable(prefix: string, indent: string, obj: Data): string {
  const keys = Object.keys(obj);
  const inline = keys.filter((k) => isInline(obj[k]));
  const lines: string[] = [];
  for (const key of inline) {
    const kind = kindOf(obj[key]);
    if (kind !== "undefined" && kind !== "null")
      lines.push(`${indent}${writeKey(key)} = ${writeValue(obj[key], true)}`);
  }
  if (lines.length > 0) lines.push("");
  // Tables under a table that has keys of its own are indented, as iarna does.
  const complexIndent = prefix && inline.length > 0 ? `${indent}  ` : "";
  for (const key of keys) {
    if (isInline(obj[key])) continue;
    const fullKey = prefix + writeKey(key);
    const value = obj[key];
    if (Array.isArray(value)) lines.push(writeArrayOfTables(fullKey, complexIndent, value));
    else {
      const hasInline = Object.keys(value as Data).some((k) => isInline((value as Data)[k]));
      const header = hasInline ? `${complexIndent}[${fullKey}]\n` : "";
      lines.push(header + writeTable(`${fullKey}.`, complexIndent, value as Data));
    }
  }
  return lines.join("\n");
}

function writeArrayOfTables(fullKey: string, indent: string, tables: unknown[]): string {
  if (!tables.every((t) => kindOf(t) === "table"))
    throw new Error("Array values can't have mixed types");
  return tables
    .map((t) => `${indent}[[${fullKey}]]\n${writeTable(`${fullKey}.`, indent, t as Data)}`)
    .join("\n");
}

function writeKey(key: string): string {
  return /^[-A-Za-z0-9_]+$/.test(key) ? key : basicString(key);
}

/** A value after `key = `: a string picks its form (multi-line where allowed, 'literal' when that avoids escapes). */
function writeValue(value: unknown, multilineOk: boolean): string {
  if (typeof value !== "string") return writeInline(value, kindOf(value));
  if (multilineOk && value.includes("\n")) return multilineString(value);
  if (value.includes('"') && !/[\b\t\n\f\r']/.test(value)) return `'${value}'`;
  return basicString(value);
}

/** A value written as `kind`; strings are always "basic" here (array items, as iarna). */
function writeInline(value: unknown, kind: Kind): string {
  switch (kind) {
    case "string":
      return basicString(value as string);
    case "integer":
      return String(value);
    case "float":
      return writeFloat(Number(value));
    case "boolean":
      return String(value);
    case "datetime":
      return (value as Date).toISOString();
    case "array":
      return writeArray(
        (value as unknown[]).filter((v) => kindOf(v) !== "null" && kindOf(v) !== "undefined"),
      );
    case "table": {
      const parts = Object.keys(value as Data).map(
        (k) => `${writeKey(k)} = ${writeValue((value as Data)[k], false)}`,
      );
      return `{ ${parts.join(", ")}${parts.length > 0 ? " " : ""}}`;
    }
    default:
      throw new Error(`Can only stringify objects, not ${kind}`);
  }
}

function writeFloat(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return "inf";
  if (value === Number.NEGATIVE_INFINITY) return "-inf";
  if (Number.isNaN(value)) return "nan";
  if (Object.is(value, -0)) return "-0.0";
  const [int, dec] = String(value).split(".");
  return `${int}.${dec || 0}`;
}

function writeArray(values: unknown[]): string {
  const first = kindOf(values[0]);
  const same = values.every((v) => kindOf(v) === first);
  if (!same && !values.every((v) => ["integer", "float"].includes(kindOf(v))))
    throw new Error("Array values can't have mixed types");
  // Mixed integers and floats are all written as floats.
  const items = values.map((v) => writeInline(v, same ? first : "float"));
  const joined = items.join(", ");
  if (joined.length > 60 || items.some((i) => i.includes("\n")))
    return `[\n  ${items.join(",\n  ")}\n]`;
  return `[ ${joined}${items.length > 0 ? " " : ""}]`;
}

const ESCAPES: Record<string, string> = {
  "\\": "\\\\",
  "\b": "\\b",
  "\t": "\\t",
  "\n": "\\n",
  "\f": "\\f",
  "\r": "\\r",
  '"': '\\"',
};

function escapeText(s: string, quote: boolean): string {
  // Every control character: iarna escapes only the first (its regex lacks /g), which TOML then refuses to read.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it escapes
  return s.replace(/[\\\b\t\n\f\r"\u0000-\u001f\u007f]/g, (c) => {
    if (c === '"') return quote ? '\\"' : c;
    const known = ESCAPES[c];
    if (known) return known;
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
}

function basicString(s: string): string {
  return `"${escapeText(s, true)}"`;
}

function multilineString(s: string): string {
  let body = s
    .split("\n")
    .map((line) => escapeText(line, false).replace(/"(?="")/g, '\\"'))
    .join("\n");
  if (body.endsWith('"')) body += "\\\n";
  return `"""\n${body}"""`;
}
