/**
 * Distribution checksum lists: find the digest published for one file.
 * Accepts every style seen in the wild in one parser, because the same list
 * format is not used consistently even within one distribution:
 *   <hex>  <file>            sha256sum/sha512sum output (Ubuntu, Debian, Arch, openSUSE)
 *   <hex> *<file>            the same in binary mode (Ubuntu)
 *   SHA256 (<file>) = <hex>  BSD / `--tag` style (Fedora, CentOS, Rocky), possibly
 *                            inside a PGP clear-signed message
 *   <hex>                    a lone digest in a per-file `.sha256`
 */
import { FetchError, ofetch } from "ofetch";
import { basename } from "pathe";
import { RumError } from "../errors";
import type { Digest, DigestAlgo } from "./resolve";

const GNU_LINE = /^([0-9a-f]{64}|[0-9a-f]{128})\s+\*?(.+)$/i;
const BSD_LINE = /^(SHA256|SHA512)\s*\((.+)\)\s*=\s*([0-9a-f]{64}|[0-9a-f]{128})$/i;
const LONE_HEX = /^([0-9a-f]{64}|[0-9a-f]{128})$/i;

function algoOfHex(hex: string): DigestAlgo {
  return hex.length === 128 ? "sha512" : "sha256";
}

/** The digest listed for `fileName` (compared by base name), or undefined. */
export function findChecksum(list: string, fileName: string): Digest | undefined {
  const lone: string[] = [];
  let listed = 0;
  for (const raw of list.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const bsd = BSD_LINE.exec(line);
    if (bsd) {
      listed++;
      const [, tag = "", name = "", hex = ""] = bsd;
      const algo = tag.toLowerCase() as DigestAlgo;
      if (sameFile(name, fileName) && algoOfHex(hex) === algo)
        return { algo, hex: hex.toLowerCase() };
      continue;
    }
    const gnu = GNU_LINE.exec(line);
    if (gnu) {
      listed++;
      const [, hex = "", name = ""] = gnu;
      if (sameFile(name, fileName)) return { algo: algoOfHex(hex), hex: hex.toLowerCase() };
      continue;
    }
    if (LONE_HEX.test(line)) lone.push(line.toLowerCase());
  }
  // A per-file digest file holding nothing but the digest.
  const only = listed === 0 && lone.length === 1 ? lone[0] : undefined;
  return only ? { algo: algoOfHex(only), hex: only } : undefined;
}

function sameFile(listed: string, want: string): boolean {
  const name = listed.trim().replace(/^\.\//, "");
  return name === want || basename(name) === want;
}

/** The file name a URL names (what checksum lists call it). */
export function urlFileName(url: string): string {
  return decodeURIComponent(basename(new URL(url).pathname));
}

/**
 * Download the checksum list and pick the image's line. ofetch is right here:
 * a small text body, with its retry on transient failures and its errors.
 */
export async function fetchExpectedDigest(
  checksumUrl: string,
  imageUrl: string,
  signal?: AbortSignal,
): Promise<Digest> {
  let text: string;
  try {
    text = await ofetch(checksumUrl, { responseType: "text", retry: 2, retryDelay: 500, signal });
  } catch (e) {
    const status = e instanceof FetchError ? e.status : undefined;
    throw new RumError(
      status
        ? `cannot fetch the checksum list (HTTP ${status}) at ${checksumUrl}`
        : `cannot fetch the checksum list at ${checksumUrl}: ${(e as Error).message}`,
      {
        hint: "check the network, or pin the digest with `[image] sha256` to skip the checksum list",
        cause: e,
      },
    );
  }
  const name = urlFileName(imageUrl);
  const digest = findChecksum(text, name);
  if (!digest) {
    throw new RumError(`the checksum list ${checksumUrl} has no entry for ${name}`, {
      hint: "the distribution may have published a new build; pin `[image] sha256` or report the stale shorthand",
    });
  }
  return digest;
}
