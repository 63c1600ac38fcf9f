/**
 * rum reads the user's cloud-config with Bun.YAML (YAML 1.2) and writes it
 * back with its own emitter; cloud-init would have read the original with
 * PyYAML (YAML 1.1). Where the two disagree on a plain scalar (`0644`, `yes`,
 * `1:20`, a date), the guest would silently get another value than the one
 * the user wrote, so such scalars are reported and must be quoted.
 */

export interface AmbiguousScalar {
  /** 1-based line in the document. */
  line: number;
  text: string;
  /** What YAML 1.1 makes of it, in words. */
  reading: string;
}

/** Plain scalars that YAML 1.1 (PyYAML) resolves differently from YAML 1.2 (Bun.YAML). */
const READINGS: readonly [RegExp, string][] = [
  [/^(yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF)$/, "a boolean"],
  [/^[-+]?0[0-9_]+$/, "an octal number (0644 is 420)"],
  [/^[-+]?0o[0-7]+$/, "a string"],
  [/^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$/, "a base-60 number (1:20 is 80)"],
  [/^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ].*)?$/, "a date"],
  [/^[-+]?[0-9]+[eE][-+]?[0-9]+$/, "a string (a YAML 1.1 float needs a dot)"],
  [/^[-+]?[0-9][0-9_]*_[0-9_]*$/, "a number (underscores are dropped)"],
];

function readingOf(scalar: string): string | undefined {
  return READINGS.find(([re]) => re.test(scalar))?.[1];
}

/** The plain scalars written on one line: a mapping value, a list item, or a flow list's items. */
function plainScalars(line: string): string[] {
  const body = line.replace(/\s#.*$/, "").trim();
  const value = body
    .replace(/^(-\s+)+/, "")
    .replace(/^[^'"[{\s][^:]*:(\s+|$)/, "")
    .trim();
  if (value.startsWith("[") && value.endsWith("]"))
    return value
      .slice(1, -1)
      .split(",")
      .map((s) => s.trim());
  return value === "" || /^['"|>&*!]/.test(value) ? [] : [value];
}

/** A line opening a block scalar (`key: |`, `- >-`): the more indented lines after it are text. */
const BLOCK_START = /(^|\s|:)[|>][-+0-9]*\s*(#.*)?$/;

export function ambiguousScalars(text: string): AmbiguousScalar[] {
  const found: AmbiguousScalar[] = [];
  let blockIndent = -1;
  text.split("\n").forEach((raw, i) => {
    const indent = raw.length - raw.trimStart().length;
    if (blockIndent >= 0) {
      if (raw.trim() === "" || indent > blockIndent) return;
      blockIndent = -1;
    }
    if (raw.trimStart().startsWith("#")) return;
    if (BLOCK_START.test(raw)) {
      blockIndent = indent;
      return;
    }
    for (const scalar of plainScalars(raw)) {
      const reading = readingOf(scalar);
      if (reading) found.push({ line: i + 1, text: scalar, reading });
    }
  });
  return found;
}
