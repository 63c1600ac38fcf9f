/** Where rum keeps things on the host (XDG base directories). */
import { join } from "pathe";
import { homeDir } from "../util/home";

export function dataHome(): string {
  return process.env.XDG_DATA_HOME || join(homeDir(), ".local", "share");
}

export function cacheHome(): string {
  return process.env.XDG_CACHE_HOME || join(homeDir(), ".cache");
}

/** Per-VM host state: keys, known_hosts, logs, last applied XML, lock. */
export function vmStateDir(domainName: string): string {
  return join(dataHome(), "rum", domainName);
}

/** Markers of base images fully uploaded into a libvirt pool, per libvirt URI. */
export function importsDir(uri: string): string {
  const key = new Bun.CryptoHasher("sha256").update(uri).digest("hex").slice(0, 16);
  return join(cacheHome(), "rum", "imports", key);
}
