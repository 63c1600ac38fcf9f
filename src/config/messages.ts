/**
 * typebox's validation errors, said the way a rum.toml author thinks:
 * "must be an integer ≥ 256", "must be one of: kvm, qemu", "unknown key
 * (did you mean "memory_mb"?)". One problem per key path.
 */
import type { TLocalizedValidationError } from "typebox/error";
import { closest } from "../util/suggest";
import { formatPath, type KeyPath, type Problem } from "./problems";
import { isTomlDate } from "./toml";

type Node = Record<string, unknown>;

/** Messages for the schema's patterns, keyed by the pattern itself. */
const PATTERN_MESSAGES: Record<string, string> = {
  "^[0-9]+(\\.[0-9]+)?\\s*([KMGT]i?B?|[kmgt]i?b?|B|b)?$": "must be a size like 512M, 20G, 1T",
  "^[0-9a-fA-F]{64}$": "must be a SHA-256 digest (64 hex digits)",
  "^[A-Za-z0-9._-]+$": "must be letters, digits, '.', '_' or '-'",
  "^[a-z_][a-z0-9_-]{0,31}$":
    "must be a Unix name: lowercase letters, digits, '_' or '-', starting with a letter or '_', at most 32",
  "^[A-Za-z0-9_.-]{1,36}$": "must be 1–36 letters, digits, '_', '.' or '-'",
  "^[a-z0-9][a-z0-9_-]{0,19}$":
    "is not a valid drive name: lowercase letters, digits, '_' or '-', at most 20, starting with a letter or digit",
};

/** Problems to show, and every key path that failed (semantic rules skip those). */
export function schemaProblems(
  errors: readonly TLocalizedValidationError[],
  schema: unknown,
  value: unknown,
): { problems: Problem[]; failed: KeyPath[] } {
  const problems: Problem[] = [];
  // `sorce` (did you mean "source"?) already explains the missing `source`.
  const suggested = new Set<string>();
  for (const e of errors) {
    // A union's variants each fail too; the union's own error says it better.
    if (/\/anyOf\/\d+/.test(e.schemaPath)) continue;
    const node = nodeAt(schema, e.schemaPath);
    const path = instancePath(e.instancePath, value);
    switch (e.keyword) {
      case "additionalProperties":
        for (const key of e.params.additionalProperties) {
          const near = isNode(node.properties)
            ? closest(key, Object.keys(node.properties))
            : undefined;
          if (near) suggested.add(JSON.stringify([...path, near]));
          problems.push({ path: [...path, key], message: unknownKey(key, node, path) });
        }
        break;
      case "required":
        for (const key of e.params.requiredProperties) {
          problems.push({ path: [...path, key], message: MISSING });
        }
        break;
      case "boolean":
      case "propertyNames":
        // Repeats of the additionalProperties / name-pattern error that names the key.
        break;
      default:
        problems.push({ path, message: describe(e, node, valueAt(value, path)) });
    }
  }
  return {
    problems: problems.filter(
      (p) => p.message !== MISSING || !suggested.has(JSON.stringify(p.path)),
    ),
    failed: problems.map((p) => p.path),
  };
}

const MISSING = "missing required key";

function describe(e: TLocalizedValidationError, node: Node, actual: unknown): string {
  switch (e.keyword) {
    case "type":
      return `must be ${typeName(node)}, not ${valueKind(actual)}${arrayHint(node, actual)}`;
    case "minimum":
      return `must be ${node.type === "integer" ? "an integer" : "a number"} ≥ ${e.params.limit}`;
    case "maximum":
      return `must be ${node.type === "integer" ? "an integer" : "a number"} ≤ ${e.params.limit}`;
    case "minLength":
      return e.params.limit === 1
        ? "must not be empty"
        : `must be at least ${e.params.limit} characters`;
    case "maxLength":
      return `must be at most ${e.params.limit} characters`;
    case "pattern": {
      const pattern = String(
        e.params.pattern instanceof RegExp ? e.params.pattern.source : e.params.pattern,
      );
      return PATTERN_MESSAGES[pattern] ?? `must match ${pattern}`;
    }
    case "anyOf":
      return oneOf(node) ?? "is not any of the allowed forms";
    case "maxItems":
      return `must have at most ${e.params.limit} entries`;
    case "minItems":
      return `must have at least ${e.params.limit} entries`;
    case "maxProperties":
      return `must have at most ${e.params.limit} entries`;
    default:
      return e.message;
  }
}

function unknownKey(key: string, node: Node, at: KeyPath): string {
  if (!isNode(node.properties)) {
    const pattern = Object.keys(isNode(node.patternProperties) ? node.patternProperties : {})[0];
    return (pattern && PATTERN_MESSAGES[pattern]) ?? "unknown key";
  }
  const here = Object.keys(node.properties);
  const near = closest(key, here);
  if (near) return `unknown key (did you mean "${near}"?)`;
  // `cpus = 4` at the top level, `ip` in [network]: point at the table it belongs in.
  for (const [table, child] of Object.entries(node.properties)) {
    if (!isNode(child)) continue;
    const where = formatPath([...at, table]);
    if (isNode(child.properties) && key in child.properties) {
      return `unknown key (did you mean "${where}.${key}"?)`;
    }
    if (isNode(child.items) && isNode(child.items.properties) && key in child.items.properties) {
      return `unknown key (it belongs in a [[${where}]] entry)`;
    }
  }
  return `unknown key (allowed: ${here.join(", ")})`;
}

function oneOf(node: Node): string | undefined {
  const variants = Array.isArray(node.anyOf) ? node.anyOf : [];
  const values = variants.map((v) => (isNode(v) ? v.const : undefined));
  if (values.length === 0 || values.some((v) => v === undefined)) return undefined;
  return `must be one of: ${values.join(", ")}`;
}

function typeName(node: Node): string {
  const names: Record<string, string> = {
    integer: "an integer",
    number: "a number",
    string: "a string",
    boolean: "true or false",
    object: "a table",
    array: isNode(node.items) && node.items.type === "object" ? "an array of tables" : "an array",
  };
  return names[String(node.type)] ?? String(node.type);
}

function valueKind(v: unknown): string {
  if (isTomlDate(v)) return "a date";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "number") return Number.isInteger(v) ? "an integer" : `a number (${v})`;
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "object" && v !== null) return "a table";
  return `a ${typeof v}`;
}

/** `[mounts]` written where `[[mounts]]` was meant. */
function arrayHint(node: Node, actual: unknown): string {
  return node.type === "array" && isNode(actual) && !isTomlDate(actual)
    ? " (write [[key]] for each entry, not [key])"
    : "";
}

/** The schema node a typebox schemaPath ("#/properties/a/anyOf/0") points at. */
function nodeAt(schema: unknown, schemaPath: string): Node {
  let node: unknown = schema;
  for (const seg of schemaPath.replace(/^#\/?/, "").split("/")) {
    if (seg === "") continue;
    const key = seg.replace(/~1/g, "/").replace(/~0/g, "~");
    node = isNode(node) || Array.isArray(node) ? (node as Node)[key] : undefined;
  }
  return isNode(node) ? node : {};
}

/** A JSON pointer ("/mounts/0/target") as a key path, with numbers for array indexes. */
function instancePath(pointer: string, value: unknown): KeyPath {
  const path: (string | number)[] = [];
  let node = value;
  for (const raw of pointer.split("/").slice(1)) {
    const seg = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    const key = Array.isArray(node) && /^\d+$/.test(seg) ? Number(seg) : seg;
    path.push(key);
    node = isNode(node) || Array.isArray(node) ? (node as Node)[key] : undefined;
  }
  return path;
}

function valueAt(value: unknown, path: KeyPath): unknown {
  let node = value;
  for (const seg of path)
    node = isNode(node) || Array.isArray(node) ? (node as Node)[seg] : undefined;
  return node;
}

function isNode(v: unknown): v is Node {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
