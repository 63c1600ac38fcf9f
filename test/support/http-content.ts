/** What the test image server serves, and helpers to build checksum lists for it. */
import { statSync } from "node:fs";

/** Bytes served from memory, or a string: the path of a file on disk (streamed, for big files). */
export type ServedContent = Uint8Array | string;

export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export function sizeOf(content: ServedContent): number {
  return typeof content === "string" ? statSync(content).size : content.byteLength;
}

/** A strong validator that changes when the content does (cheap: no full hash of big files). */
export function etagOf(content: ServedContent): string {
  if (typeof content === "string") {
    const st = statSync(content);
    return `"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`;
  }
  return `"${Bun.hash(content).toString(16)}"`;
}

export async function fileDigest(
  content: ServedContent,
  algo: "sha256" | "sha512",
): Promise<string> {
  const h = new Bun.CryptoHasher(algo);
  if (typeof content !== "string") return h.update(content).digest("hex");
  for await (const chunk of Bun.file(content).stream()) h.update(chunk);
  return h.digest("hex");
}

export interface ChecksumEntry {
  name: string;
  hex: string;
  algo: "sha256" | "sha512";
}

/**
 * A checksum list as distributions publish it: "gnu" is sha256sum output
 * (`<hex>  <name>`, Ubuntu/Debian), "bsd" is `SHA256 (<name>) = <hex>` (Fedora).
 */
export function checksumList(entries: ChecksumEntry[], style: "gnu" | "bsd" = "gnu"): Uint8Array {
  const lines = entries.map((e) =>
    style === "bsd" ? `${e.algo.toUpperCase()} (${e.name}) = ${e.hex}` : `${e.hex}  ${e.name}`,
  );
  return utf8(`${lines.join("\n")}\n`);
}
