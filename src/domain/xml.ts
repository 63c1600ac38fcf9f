/**
 * A tiny XML element builder. Every text and attribute value goes through the
 * one `escapeXml` when rendered, so no caller can forget to escape a path or a
 * name taken from rum.toml.
 */
import { UsageError } from "../errors";

export interface XmlElement {
  readonly name: string;
  readonly attrs: ReadonlyArray<readonly [string, string]>;
  readonly children: readonly XmlNode[];
}

/** A string child is text content. */
export type XmlNode = XmlElement | string;

type AttrValue = string | number | undefined;
/** `false`/`null`/`undefined` children are dropped, so optional parts read as `cond && el(...)`. */
type Child = XmlNode | false | null | undefined;

// Element and attribute names are code constants; checking them catches typos, not user input.
const NAME = /^[A-Za-z_][A-Za-z0-9_.:-]*$/;

// Tab, newline and CR are written as character references: a parser would turn
// them into spaces in attribute values (and CR into LF in text), so the value
// would not come back exactly as given.
const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
  "\t": "&#9;",
  "\n": "&#10;",
  "\r": "&#13;",
};

/** Whether a code point is a `Char` in XML 1.0 (§2.2). Lone surrogates are not. */
function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

/**
 * The one escaping function, for text and attribute values alike. A character
 * XML cannot carry at all (NUL, most C0 controls) is an error rather than
 * being dropped: silently changing a path would point libvirt at another file.
 */
export function escapeXml(value: string): string {
  let out = "";
  for (const ch of value) {
    const cp = ch.codePointAt(0) ?? 0;
    if (!isXmlChar(cp)) {
      const code = `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
      throw new UsageError(`${JSON.stringify(value)} contains ${code}, which XML cannot carry`, {
        hint: "remove control characters from that name or path in rum.toml (or rename the folder)",
      });
    }
    out += ENTITIES[ch] ?? ch;
  }
  return out;
}

function checkName(name: string): string {
  if (!NAME.test(name)) throw new Error(`bug: invalid XML name ${JSON.stringify(name)}`);
  return name;
}

export function el(
  name: string,
  attrs: Record<string, AttrValue> = {},
  children: Child | Child[] = [],
): XmlElement {
  const list = Array.isArray(children) ? children : [children];
  return {
    name: checkName(name),
    attrs: Object.entries(attrs).flatMap(([k, v]) =>
      v === undefined ? [] : [[checkName(k), String(v)] as const],
    ),
    children: list.filter((c): c is XmlNode => c !== false && c !== null && c !== undefined),
  };
}

function openTag(node: XmlElement): string {
  const attrs = node.attrs.map(([k, v]) => ` ${k}='${escapeXml(v)}'`).join("");
  return `<${node.name}${attrs}`;
}

/** Indented output; an element holding any text is written on one line so its text stays exact. */
export function renderXml(node: XmlNode, depth = 0): string {
  if (typeof node === "string") return escapeXml(node);
  const pad = "  ".repeat(depth);
  if (node.children.length === 0) return `${pad}${openTag(node)}/>`;
  if (node.children.some((c) => typeof c === "string")) {
    const inline = node.children.map((c) => renderXml(c)).join("");
    return `${pad}${openTag(node)}>${inline}</${node.name}>`;
  }
  const inner = node.children.map((c) => renderXml(c, depth + 1)).join("\n");
  return `${pad}${openTag(node)}>\n${inner}\n${pad}</${node.name}>`;
}
