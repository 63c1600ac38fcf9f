/**
 * A multipart/mixed user-data: rum's cloud-config plus the user's `#!`
 * script, which cloud-init (22.4, checked with its UserDataProcessor) runs
 * once per instance from its scripts-user module. Parts are base64: Python's
 * email package turns non-ASCII 8bit text into Latin-1 bytes, which cloud-init
 * would then misread as UTF-8. The boundary is a hash of the parts, so it
 * cannot occur in them (nor in base64) and equal inputs give equal bytes.
 */
import { createHash } from "node:crypto";

export interface MimePart {
  contentType: "text/cloud-config" | "text/x-shellscript";
  filename: string;
  text: string;
}

/** RFC 2045: lines of at most 76 characters. */
function base64Lines(text: string): string[] {
  const all = Buffer.from(text, "utf8").toString("base64");
  const lines: string[] = [];
  for (let i = 0; i < all.length; i += 76) lines.push(all.slice(i, i + 76));
  return lines;
}

export function multipart(parts: readonly MimePart[]): string {
  const hash = createHash("sha256");
  for (const p of parts) hash.update(p.text).update("\0");
  const boundary = `rum-${hash.digest("hex").slice(0, 32)}`;
  const out = [`Content-Type: multipart/mixed; boundary="${boundary}"`, "MIME-Version: 1.0", ""];
  for (const p of parts) {
    out.push(
      `--${boundary}`,
      `Content-Type: ${p.contentType}; charset="utf-8"`,
      "MIME-Version: 1.0",
      "Content-Transfer-Encoding: base64",
      `Content-Disposition: attachment; filename="${p.filename}"`,
      "",
      ...base64Lines(p.text),
    );
  }
  out.push(`--${boundary}--`, "");
  return out.join("\n");
}
