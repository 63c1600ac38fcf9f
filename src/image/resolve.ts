/**
 * What `[image] base` means: an http(s) URL, a local file (relative to the
 * config's folder, `~` expanded, or a file:// URL), or a registry shorthand.
 */
import { fileURLToPath } from "node:url";
import { isAbsolute, resolve } from "pathe";
import { type Arch, hostArch } from "../config/arch";
import { UsageError } from "../errors";
import { homeDir } from "../util/home";
import { closest, didYouMean } from "../util/suggest";
import { findByUrl, findShorthand, imageFor, registryNames } from "./registry";

export type DigestAlgo = "sha256" | "sha512";

export interface Digest {
  algo: DigestAlgo;
  hex: string;
}

export interface UrlImageSource {
  kind: "url";
  url: string;
  /** The distribution's checksum list, when the registry knows it. */
  checksumUrl?: string;
  /** A pinned digest (`[image] sha256`); wins over the checksum list. */
  expected?: Digest;
  /** The registry name the URL came from, if any. */
  shorthand?: string;
}

export interface FileImageSource {
  kind: "file";
  path: string;
  expected?: Digest;
}

export type ImageSource = UrlImageSource | FileImageSource;

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;
// A bare word with one of these endings is a file name, not a shorthand.
const IMAGE_FILE = /\.(qcow2|img|raw|qcow)$/i;

/** What is wrong with a `base`, in the words of a config problem (key path added by the caller). */
export interface ImageBaseProblem {
  message: string;
  hint: string;
}

export interface ImageBaseOptions {
  /** `[image] sha256`. */
  sha256?: string;
  /** Whose image a shorthand means: the guest's arch (default: the host's). */
  arch?: Arch;
}

/** `base` → where the image comes from, or why it cannot be used (nothing is read or fetched). */
export function parseImageBase(
  base: string,
  configDir: string,
  opts: ImageBaseOptions = {},
): { ok: true; source: ImageSource } | ({ ok: false } & ImageBaseProblem) {
  const spec = base.trim();
  if (!spec) {
    return {
      ok: false,
      message: "must not be empty",
      hint: "set `[image] base` to a shorthand (see `rum image search`), a URL or a file path",
    };
  }
  const expected: Digest | undefined = opts.sha256
    ? { algo: "sha256", hex: opts.sha256.toLowerCase() }
    : undefined;
  const scheme = SCHEME.exec(spec)?.[1]?.toLowerCase();
  if (scheme === "http" || scheme === "https") {
    const known = findByUrl(spec);
    return {
      ok: true,
      source: {
        kind: "url",
        url: spec,
        ...(known ? { checksumUrl: known.checksumUrl, shorthand: known.name } : {}),
        ...(expected ? { expected } : {}),
      },
    };
  }
  if (scheme === "file") {
    const path = fileUrlPath(spec);
    if (typeof path !== "string") return { ok: false, ...path };
    return { ok: true, source: { kind: "file", path, expected } };
  }
  if (scheme) {
    return {
      ok: false,
      message: `unsupported URL scheme "${scheme}://" in "${spec}"${didYouMean(scheme, ["http", "https", "file"])}`,
      hint: "use an http(s):// or file:// URL, a local path, or a shorthand from `rum image search`",
    };
  }
  if (looksLikePath(spec)) {
    return { ok: true, source: { kind: "file", path: localPath(spec, configDir), expected } };
  }
  const entry = findShorthand(spec);
  if (entry) {
    const arch = opts.arch ?? hostArch();
    const image = imageFor(entry, arch);
    if (!image) {
      return {
        ok: false,
        message: `"${spec}" has no ${arch} image (the distribution publishes none)`,
        hint: `point \`[image] base\` at an ${arch} image's URL or file, or pick another shorthand (\`rum image search\`)`,
      };
    }
    return {
      ok: true,
      source: {
        kind: "url",
        url: image.url,
        checksumUrl: image.checksumUrl,
        shorthand: entry.name,
        ...(expected ? { expected } : {}),
      },
    };
  }
  const suggestion = closest(spec, registryNames());
  return {
    ok: false,
    message: `unknown image shorthand "${spec}"${suggestion ? ` (did you mean "${suggestion}"?)` : ""}`,
    hint: `${suggestion ? `did you mean "${suggestion}"? ` : ""}\`rum image search\` lists the shorthands; a local file needs a path such as ./disk.qcow2`,
  };
}

/** parseImageBase for the commands that act on it now: a problem is a UsageError. */
export function resolveImage(
  base: string,
  configDir: string,
  opts: ImageBaseOptions = {},
): ImageSource {
  const r = parseImageBase(base, configDir, opts);
  if (!r.ok) throw new UsageError(`image.base: ${r.message}`, { hint: r.hint });
  return r.source;
}

function looksLikePath(spec: string): boolean {
  return (
    spec.includes("/") || spec.startsWith("~") || spec.startsWith(".") || IMAGE_FILE.test(spec)
  );
}

function fileUrlPath(spec: string): string | ImageBaseProblem {
  try {
    return fileURLToPath(spec);
  } catch (e) {
    return {
      message: `"${spec}" is not a usable file:// URL (${(e as Error).message})`,
      hint: "write file:///absolute/path/to/disk.qcow2, or just the path",
    };
  }
}

function localPath(spec: string, configDir: string): string {
  if (spec === "~" || spec.startsWith("~/")) {
    return resolve(homeDir(), spec.slice(2));
  }
  return isAbsolute(spec) ? resolve(spec) : resolve(configDir, spec);
}
