/**
 * Reads the XML libvirt prints (`net-dumpxml`, `dumpxml`) into the same
 * element tree src/domain/xml.ts renders, so a network rum owns can be read,
 * changed (its owner list) and written back through the one escaping function.
 * A small reader for libvirt's regular output, not a general XML parser: no
 * DTDs or CDATA, which libvirt never prints.
 */
import type { XmlElement, XmlNode } from "../domain/xml";
import { unescapeXml } from "../util/xml-text";

const TOKEN =
  /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<\/([\w.:-]+)\s*>|<([\w.:-]+)((?:\s+[\w.:-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|[^<]+/g;
const ATTR = /([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

interface Open {
  name: string;
  attrs: [string, string][];
  children: XmlNode[];
}

/** The document element, or null when the text is not well-formed enough to trust. */
export function parseXml(text: string): XmlElement | null {
  const stack: Open[] = [{ name: "", attrs: [], children: [] }];
  let pos = 0;
  for (const m of text.matchAll(TOKEN)) {
    // Anything TOKEN cannot match (a stray `<`) leaves a gap: refuse rather than guess.
    if (m.index !== pos) return null;
    pos = m.index + m[0].length;
    const top = stack[stack.length - 1] as Open;
    const [whole, closing, opening, attrText, selfClosing] = m;
    if (whole.startsWith("<!--") || whole.startsWith("<?")) continue;
    if (closing !== undefined) {
      if (stack.length < 2 || top.name !== closing) return null;
      stack.pop();
      (stack[stack.length - 1] as Open).children.push(top);
    } else if (opening !== undefined) {
      const attrs = [...(attrText ?? "").matchAll(ATTR)].map(
        (a) => [a[1] ?? "", unescapeXml(a[2] ?? a[3] ?? "")] as [string, string],
      );
      const element: Open = { name: opening, attrs, children: [] };
      if (selfClosing) top.children.push(element);
      else stack.push(element);
    } else if (whole.trim() !== "") {
      top.children.push(unescapeXml(whole));
    }
  }
  const root = stack[0] as Open;
  if (pos !== text.length || stack.length !== 1) return null;
  const elements = root.children.filter((c): c is XmlElement => typeof c !== "string");
  return elements.length === 1 && elements.length === root.children.length
    ? (elements[0] as XmlElement)
    : null;
}

export function attr(node: XmlElement, name: string): string | undefined {
  return node.attrs.find(([k]) => k === name)?.[1];
}

export function children(node: XmlElement, name?: string): XmlElement[] {
  return node.children.filter(
    (c): c is XmlElement => typeof c !== "string" && (name === undefined || c.name === name),
  );
}

export function child(node: XmlElement, name: string): XmlElement | undefined {
  return children(node, name)[0];
}

/** Text content of an element (its direct text children joined). */
export function text(node: XmlElement | undefined): string | undefined {
  if (!node) return undefined;
  return node.children.filter((c): c is string => typeof c === "string").join("");
}

/** The element's name without its namespace prefix. */
export function localName(node: XmlElement): string {
  return node.name.slice(node.name.indexOf(":") + 1);
}
