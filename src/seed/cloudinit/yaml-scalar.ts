/**
 * How one YAML scalar is written. cloud-init reads user-data with PyYAML
 * (YAML 1.1), where `yes`, `off`, `012`, `1_000`, `52:54:00:12:34:56` (base 60!)
 * and `.inf` are not strings; other readers use YAML 1.2. So a string is left
 * plain only when no resolver of either version can take it for something
 * else, and is double-quoted otherwise; multi-line text becomes a literal block.
 */

/**
 * Plain only when it starts with a letter, `_` or `/` (so it can't be a number,
 * date, base-60 value, `.inf`, `~`, `=`, an indicator or a tag) and holds no
 * `:`, `#`, quote, backslash or flow/indicator character anywhere.
 */
const PLAIN_SAFE = /^[A-Za-z_/][A-Za-z0-9_/.@%+=,()~ -]*$/;

/** Words YAML 1.1 reads as booleans or null, compared case-insensitively. */
const RESERVED_WORDS = new Set(["y", "n", "yes", "no", "true", "false", "on", "off", "null"]);

export function isPlainSafe(s: string): boolean {
  return PLAIN_SAFE.test(s) && !s.endsWith(" ") && !RESERVED_WORDS.has(s.toLowerCase());
}

const NAMED_ESCAPES: Record<string, string> = {
  "\0": "\\0",
  "\t": "\\t",
  "\n": "\\n",
  "\r": "\\r",
  '"': '\\"',
  "\\": "\\\\",
};

/**
 * Characters that must not appear raw: C0/C1 controls and DEL (not printable in
 * YAML), the BOM, and the Unicode line/paragraph separators that YAML 1.1
 * counts as line breaks. Lone surrogates can't be written as UTF-8 at all.
 */
function mustEscape(codePoint: number): boolean {
  return (
    codePoint < 0x20 ||
    (codePoint >= 0x7f && codePoint <= 0x9f) ||
    codePoint === 0x2028 ||
    codePoint === 0x2029 ||
    codePoint === 0xfeff ||
    codePoint === 0xfffe ||
    codePoint === 0xffff ||
    (codePoint >= 0xd800 && codePoint <= 0xdfff)
  );
}

function hex(codePoint: number, width: number): string {
  return codePoint.toString(16).toUpperCase().padStart(width, "0");
}

/** A double-quoted scalar on one line; everything else stays UTF-8 as is. */
export function doubleQuoted(s: string): string {
  let out = '"';
  for (const ch of s) {
    const named = NAMED_ESCAPES[ch];
    const codePoint = ch.codePointAt(0) ?? 0;
    if (named !== undefined) out += named;
    else if (!mustEscape(codePoint)) out += ch;
    else if (codePoint <= 0xff) out += `\\x${hex(codePoint, 2)}`;
    else out += `\\u${hex(codePoint, 4)}`;
  }
  return `${out}"`;
}

/** Raw carriage returns would be normalised away by a parser, so they count too. */
function blockUnsafe(s: string): boolean {
  for (const ch of s) {
    const codePoint = ch.codePointAt(0) ?? 0;
    if (ch !== "\n" && ch !== "\t" && mustEscape(codePoint)) return true;
  }
  return false;
}

export interface LiteralBlock {
  /** `|` plus indentation and chomping indicators, e.g. `|2-`. */
  header: string;
  /** Content lines, not yet indented; "" stands for an empty line. */
  lines: string[];
}

/**
 * A literal block (`|`) for multi-line text, or undefined when the text can't
 * be one (no line break, only line breaks, or characters that need escapes).
 * The chomping indicator keeps the exact number of trailing newlines; the
 * indentation indicator (content is always 2 columns deeper) stops a parser
 * from taking leading spaces or leading empty lines as indentation.
 */
export function literalBlock(s: string): LiteralBlock | undefined {
  if (!s.includes("\n") || blockUnsafe(s)) return undefined;
  const body = s.replace(/\n+$/, "");
  if (body === "") return undefined;
  const trailing = s.length - body.length;
  const chomping = trailing === 0 ? "-" : trailing === 1 ? "" : "+";
  const indentation = body.startsWith(" ") || body.startsWith("\n") ? "2" : "";
  const lines = body.split("\n");
  for (let i = 1; i < trailing; i++) lines.push("");
  return { header: `|${indentation}${chomping}`, lines };
}

/** Numbers as both YAML versions read them back: a float always has a `.`. */
export function formatNumber(n: number): string {
  if (Number.isNaN(n)) return ".nan";
  if (!Number.isFinite(n)) return n > 0 ? ".inf" : "-.inf";
  const text = String(n);
  if (Number.isSafeInteger(n) || !text.includes("e") || text.includes(".")) return text;
  return text.replace("e", ".0e");
}
