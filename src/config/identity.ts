/**
 * Who a VM is: its name (from the config or the file/folder name), and the
 * libvirt domain name `rum-<name>-<id8>`, where id8 comes from the config
 * file's canonical path so two projects with the same folder name never
 * collide.
 */
import { basename, dirname } from "node:path";

export const MAX_NAME = 40;
/** What an explicit `name` must look like: it is used as written, never renamed. */
export const NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;
const CONFIG_SUFFIX = ".rum.toml";

/** Lowercase, anything else → "-", dashes collapsed and trimmed, at most 40 chars; "vm" if empty. */
export function sanitizeName(raw: string): string {
  const name = raw
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+/, "")
    .slice(0, MAX_NAME)
    .replace(/-+$/, "");
  return name === "" ? "vm" : name;
}

/** The name rum derives when the config has no `name`: `<name>.rum.toml`, else the folder. */
export function derivedName(configPath: string): string {
  const file = basename(configPath);
  if (file.endsWith(CONFIG_SUFFIX) && file.length > CONFIG_SUFFIX.length) {
    return sanitizeName(file.slice(0, -CONFIG_SUFFIX.length));
  }
  return sanitizeName(basename(dirname(configPath)));
}

/** Explicit names are used as written when valid; an invalid one is reported elsewhere. */
export function vmName(explicit: string | undefined, configPath: string): string {
  if (explicit === undefined) return derivedName(configPath);
  return NAME_PATTERN.test(explicit) ? explicit : sanitizeName(explicit);
}

/** First 8 hex digits of sha256(canonical config path). */
export function configId(canonicalPath: string): string {
  return new Bun.CryptoHasher("sha256").update(canonicalPath).digest("hex").slice(0, 8);
}

export function domainName(name: string, id8: string): string {
  return `rum-${name}-${id8}`;
}
