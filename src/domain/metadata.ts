/**
 * rum's ownership mark inside a domain's <metadata>: which rum.toml made the
 * domain, the hash of what was applied, the VM name and rum's version. `rum
 * destroy` and `rum status --all` trust a domain only when this mark is there.
 */

import { unescapeXml } from "../util/xml-text";
import type { RumMetadata } from "./spec";
import { el, type XmlElement } from "./xml";

/** rum's XML namespace; also the URI for `virsh metadata DOMAIN URI`. */
export const RUM_XMLNS = "https://rum.dev/xmlns/domain/1";
/** The prefix rum writes (and the `--key` for `virsh metadata --set`). */
export const RUM_XMLNS_PREFIX = "rum";

export function rumMetadataElement(meta: RumMetadata): XmlElement {
  const p = RUM_XMLNS_PREFIX;
  return el(`${p}:vm`, { [`xmlns:${p}`]: RUM_XMLNS }, [
    el(`${p}:config`, { path: meta.configPath, hash: meta.configHash }),
    el(`${p}:name`, {}, meta.vmName),
    el(`${p}:version`, {}, meta.version),
  ]);
}

function regexEscape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

// One attribute; quoted values are matched whole, so a `>` inside one cannot end the tag.
const ATTR = /([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

function attributes(tagBody: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const m of tagBody.matchAll(ATTR)) {
    found.set(m[1] ?? "", unescapeXml(m[2] ?? m[3] ?? ""));
  }
  return found;
}

/** Text of `<qname>…</qname>` (or "" for `<qname/>`), or null when it is missing. */
function childText(body: string, qname: string): string | null {
  const q = regexEscape(qname);
  const m = new RegExp(`<${q}(?:\\s[^>]*)?(?:/>|>([^<]*)</${q}\\s*>)`).exec(body);
  return m ? unescapeXml(m[1] ?? "") : null;
}

/**
 * Reads rum's mark from `virsh dumpxml` or `virsh metadata DOMAIN URI` output.
 * A tolerant scan for one known element, not a general XML parser: it finds
 * the prefix bound to RUM_XMLNS (whatever libvirt chose to print) and reads
 * that element's children; a document that *is* a bare <vm> element (what
 * `virsh metadata` prints) is read the same way. Returns null when the mark
 * is absent or incomplete.
 */
export function parseRumMetadata(xml: string): RumMetadata | null {
  const decl = new RegExp(
    `xmlns(?::([A-Za-z_][\\w.-]*))?\\s*=\\s*(["'])${regexEscape(RUM_XMLNS)}\\2`,
  ).exec(xml);
  // `virsh metadata DOMAIN URI` prints the element bare: `<vm>` with no namespace at all.
  const bare = !decl && /^\s*<vm[\s>]/.test(xml);
  if (!decl && !bare) return null;
  const prefix = decl?.[1];
  const qn = (local: string) => (prefix ? `${prefix}:${local}` : local);
  const from = decl ? xml.lastIndexOf("<", decl.index) : 0;
  const open = new RegExp(`<${regexEscape(qn("vm"))}[\\s>]`, "g");
  open.lastIndex = from;
  const start = open.exec(xml);
  if (!start) return null;
  const end = xml.indexOf(`</${qn("vm")}>`, start.index);
  if (end < 0) return null;
  const body = xml.slice(start.index, end);

  const config = new RegExp(
    `<${regexEscape(qn("config"))}((?:\\s+[A-Za-z_][\\w.:-]*\\s*=\\s*(?:"[^"]*"|'[^']*'))*)\\s*/?>`,
  ).exec(body);
  const attrs = attributes(config?.[1] ?? "");
  const configPath = attrs.get("path");
  const configHash = attrs.get("hash");
  const vmName = childText(body, qn("name"));
  const version = childText(body, qn("version"));
  if (configPath === undefined || configHash === undefined) return null;
  if (vmName === null || version === null) return null;
  return { configPath, configHash, vmName, version };
}
