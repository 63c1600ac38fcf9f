/**
 * The commented rum.toml `rum init` writes, generated from the schema so it
 * cannot fall behind it: every section appears, each key under its
 * description; keys left at their default and optional sections are
 * commented out, showing the default or the schema's example.
 */

import { tomlText } from "./render";
import { ConfigSchema } from "./schema";

export interface InitValues {
  image: string;
  cpus: number;
  memoryMb: number;
}

type Node = {
  type?: string;
  description?: string;
  default?: unknown;
  examples?: unknown[];
  properties?: Record<string, Node>;
  patternProperties?: Record<string, Node>;
  items?: Node;
};

const INTRO = [
  "# rum.toml: one virtual machine, made real by `rum up`.",
  '# Lines like "# key = value" show a default or an example: uncomment to change.',
  "# Check with `rum validate`; `rum schema` prints the JSON Schema (editors: taplo).",
];

export function renderInitConfig(values: InitValues): string {
  const active: Record<string, unknown> = {
    "image.base": values.image,
    "resources.cpus": values.cpus,
    "resources.memory_mb": values.memoryMb,
    "resources.disk": (ConfigSchema.properties.resources.properties.disk as Node).default,
  };
  const blocks: string[][] = [INTRO];
  const root = ConfigSchema as unknown as Node;
  for (const [key, node] of Object.entries(root.properties ?? {})) {
    if (isTableLike(node) && !hasScalarKeys(node)) {
      blocks.push(tablesOnly(key, node));
      continue;
    }
    if (!isTableLike(node)) {
      blocks.push(keyLines([key], node, active));
      continue;
    }
    const lines = [...describe(node.description), `[${key}]`];
    const nested: string[][] = [];
    for (const [child, sub] of Object.entries(node.properties ?? {})) {
      if (isTableLike(sub)) nested.push(commentBlock(sub.description, example([key, child], sub)));
      else lines.push(...keyLines([key, child], sub, active));
    }
    blocks.push(lines, ...nested);
  }
  return `${blocks.map((b) => b.join("\n")).join("\n\n")}\n`;
}

/** `# description` then `key = value`, commented out unless the value is one init chose. */
function keyLines(path: string[], node: Node, active: Record<string, unknown>): string[] {
  const id = path.join(".");
  const key = path[path.length - 1] as string;
  // An empty list says less than an example of what goes in it.
  const empty = Array.isArray(node.default) && node.default.length === 0;
  const fallback = empty
    ? (node.examples?.[0] ?? node.default)
    : (node.default ?? node.examples?.[0]);
  const value = id in active ? active[id] : fallback;
  if (value === undefined) return describe(node.description);
  const lines = tomlText({ [key]: value })
    .trimEnd()
    .split("\n");
  return [...describe(node.description), ...(id in active ? lines : lines.map((l) => `# ${l}`))];
}

/** A whole optional section: its description, then its example as commented-out TOML. */
function commentBlock(description: string | undefined, toml: string): string[] {
  const lines = toml
    .trimEnd()
    .split("\n")
    .map((l) => (l === "" ? "#" : `# ${l}`));
  return [...describe(description), ...lines];
}

/** A section made only of tables (provision, fs): each sub-table with its own description. */
function tablesOnly(key: string, node: Node): string[] {
  if (node.examples?.[0] !== undefined) return commentBlock(node.description, example([key], node));
  const parts = Object.entries(node.properties ?? {})
    .filter(([, sub]) => sub.examples?.[0] !== undefined)
    .map(([child, sub]) => commentBlock(sub.description, example([key, child], sub)));
  return [...describe(node.description), ...parts.flatMap((p, i) => (i === 0 ? p : ["#", ...p]))];
}

function example(path: string[], node: Node): string {
  return tomlText(nest(path, node.examples?.[0]));
}

function nest(path: string[], value: unknown): Record<string, unknown> {
  return path.reduceRight<Record<string, unknown>>(
    (inner, key) => ({ [key]: inner }),
    value as Record<string, unknown>,
  );
}

function describe(description: string | undefined): string[] {
  return description ? [`# ${description}`] : [];
}

/** Written as a TOML table (`[x]`, `[[x]]`, `[x.name]`) rather than a `key = value` line. */
function isTableLike(node: Node): boolean {
  return (
    (node.type === "object" &&
      (node.properties !== undefined || node.patternProperties !== undefined)) ||
    (node.type === "array" && node.items?.type === "object")
  );
}

function hasScalarKeys(node: Node): boolean {
  return (
    node.type === "object" &&
    node.properties !== undefined &&
    Object.values(node.properties).some((sub) => !isTableLike(sub))
  );
}
