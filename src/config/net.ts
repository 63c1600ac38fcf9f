/** Address and name syntax checks (no DNS, no sockets). */

const IPV4_OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";
const IPV4 = new RegExp(`^${IPV4_OCTET}(\\.${IPV4_OCTET}){3}$`);
const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export function isIPv4(s: string): boolean {
  return IPV4.test(s);
}

/** RFC 4291 text form, including `::` compression and a trailing dotted IPv4. */
export function isIPv6(s: string): boolean {
  if (s.length > 45 || !/^[0-9A-Fa-f:.]+$/.test(s)) return false;
  const lastColon = s.lastIndexOf(":");
  if (lastColon < 0) return false;
  let body = s;
  let needed = 8;
  const tail = s.slice(lastColon + 1);
  if (tail.includes(".")) {
    // An embedded IPv4 address stands for the last two groups.
    if (!isIPv4(tail)) return false;
    body = s.slice(0, lastColon + 1);
    if (!body.endsWith("::")) body = body.slice(0, -1);
    needed = 6;
  }
  const halves = body.split("::");
  if (halves.length > 2) return false;
  const groups = halves.flatMap((h) => (h === "" ? [] : h.split(":")));
  if (!groups.every(isHexGroup)) return false;
  return halves.length === 1 ? groups.length === needed : groups.length < needed;
}

function isHexGroup(g: string): boolean {
  return /^[0-9A-Fa-f]{1,4}$/.test(g);
}

/** Why a hostname is not RFC 1123 (lowercase letters, digits, dashes; dotted labels), or undefined. */
export function hostnameProblem(name: string): string | undefined {
  if (name.length === 0) return "must not be empty";
  if (name.length > 253) return "must be at most 253 characters";
  for (const label of name.split(".")) {
    if (label.length === 0) return "must not have empty labels (two dots, or a dot at either end)";
    if (label.length > 63) return `label "${label.slice(0, 20)}…" is longer than 63 characters`;
    if (!LABEL.test(label)) {
      return "must be lowercase letters, digits and dashes (no dash at the start or end of a label)";
    }
  }
  return undefined;
}
