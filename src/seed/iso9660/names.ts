/**
 * File identifiers for the two directory hierarchies: ISO 9660 level-1 names
 * (8.3, d-characters, `;1` on files) that every reader understands, and
 * Joliet names (UCS-2, up to 64 characters) for Windows and 7-Zip. Real names
 * travel in Rock Ridge NM entries; these only need to be valid and unique.
 */
import type { TreeDir, TreeNode } from "./tree";

const JOLIET_MAX_CHARS = 64;

function dChars(text: string): string {
  return text.toUpperCase().replace(/[^A-Z0-9_]/g, "_");
}

/** Tries `candidate` and then numbered variants truncated to `width` until one is free. */
function uniquify(base: string, width: number, render: (b: string) => string, used: Set<string>) {
  let id = render(base);
  for (let n = 1; used.has(id.toUpperCase()); n++) {
    const suffix = String(n);
    id = render(base.slice(0, Math.max(0, width - suffix.length)) + suffix);
  }
  used.add(id.toUpperCase());
  return id;
}

function isoIdentifier(node: TreeNode, used: Set<string>): string {
  if (node.kind === "dir") {
    return uniquify(dChars(node.name).slice(0, 8) || "_", 8, (b) => b, used);
  }
  const dot = node.name.lastIndexOf(".");
  const stem = dot > 0 ? node.name.slice(0, dot) : node.name;
  const ext = dot > 0 ? dChars(node.name.slice(dot + 1)).slice(0, 3) : "";
  return uniquify(dChars(stem).slice(0, 8) || "_", 8, (b) => `${b}.${ext};1`, used);
}

/** Joliet forbids * / : ; ? \\ and control characters; UCS-2 has no room for astral characters. */
function jolietSafe(ch: string): boolean {
  const code = ch.codePointAt(0) ?? 0;
  return (
    code >= 0x20 && code <= 0xffff && !(code >= 0xd800 && code <= 0xdfff) && !"*/:;?\\".includes(ch)
  );
}

function jolietIdentifier(node: TreeNode, used: Set<string>): string {
  let clean = "";
  for (const ch of node.name) clean += jolietSafe(ch) ? ch : "_";
  return uniquify(clean.slice(0, JOLIET_MAX_CHARS), JOLIET_MAX_CHARS, (b) => b, used);
}

/** ECMA-119 9.3: compare name parts then extensions, the shorter padded with spaces. */
export function compareIdentifiers(a: string, b: string): number {
  const [an, ae] = splitIdentifier(a);
  const [bn, be] = splitIdentifier(b);
  return comparePadded(an, bn) || comparePadded(ae, be);
}

function splitIdentifier(id: string): [string, string] {
  const bare = id.endsWith(";1") ? id.slice(0, -2) : id;
  const dot = bare.lastIndexOf(".");
  return dot < 0 ? [bare, ""] : [bare.slice(0, dot), bare.slice(dot + 1)];
}

function comparePadded(a: string, b: string): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (i < a.length ? a.charCodeAt(i) : 0x20) - (i < b.length ? b.charCodeAt(i) : 0x20);
    if (d !== 0) return d;
  }
  return 0;
}

export type Namespace = "iso" | "joliet";

export interface NamedChild {
  node: TreeNode;
  id: string;
}

/** The children of `dir` with their identifiers, in the order ECMA-119 requires on disc. */
export function namedChildren(dir: TreeDir, ns: Namespace): NamedChild[] {
  const used = new Set<string>();
  const named = dir.children.map((node) => ({
    node,
    id: ns === "iso" ? isoIdentifier(node, used) : jolietIdentifier(node, used),
  }));
  return named.sort((x, y) => compareIdentifiers(x.id, y.id));
}
