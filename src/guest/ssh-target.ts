/**
 * What every ssh/scp call to one guest needs, and the escaping that OpenSSH's own
 * option parser requires for the values rum puts into `-o` options and `ssh_config` files.
 */
import { resolve } from "pathe";
import { RumError } from "../errors";

export interface SshTarget {
  /** The guest's address (IPv4 or IPv6, no brackets). */
  host: string;
  /** Default 22. */
  port?: number;
  user: string;
  /** Client private key. */
  keyPath: string;
  /** Per-VM known_hosts holding the pinned guest host key under `hostKeyAlias`. */
  knownHostsPath: string;
  hostKeyAlias: string;
  /** ControlPath of the shared master connection (see `controlPathFor`). */
  controlPath: string;
  /** Jump host (ssh `-J`), e.g. the libvirt host of a `qemu+ssh://` URI. */
  proxyJump?: string;
  /** The `[ssh] command` setting, e.g. "ssh" or "kitty +kitten ssh"; default "ssh". */
  sshCommand?: string;
}

/** Options rum sets on every connection; shared by ssh argv, scp argv and the ssh-config block. */
export const CONTROL_PERSIST = "10m";

export function targetPort(target: SshTarget): number {
  return target.port ?? 22;
}

/** `user@host` for ssh (which takes a bare IPv6 address). */
export function sshDestination(target: SshTarget): string {
  checkTarget(target);
  return `${target.user}@${target.host}`;
}

/** `user@host:` prefix for scp, which needs IPv6 addresses in brackets. */
export function scpRemotePrefix(target: SshTarget): string {
  checkTarget(target);
  const host = target.host.includes(":") ? `[${target.host}]` : target.host;
  return `${target.user}@${host}:`;
}

/**
 * A file path as ssh's option parser must see it (in a `-o` value as in a config file):
 * absolute (ssh would resolve a relative IdentityFile against ~/.ssh), `%` doubled
 * (IdentityFile, UserKnownHostsFile and ControlPath undergo %-token expansion), and
 * quoted when it contains blanks or quotes.
 */
export function sshPathValue(path: string): string {
  const abs = resolve(path);
  if (abs.includes("${")) {
    throw new RumError(`ssh cannot use the path ${abs}: it contains "\${"`, {
      hint: "ssh would read part of it as an environment variable; set XDG_DATA_HOME to a path without it",
    });
  }
  return configValue(abs.replaceAll("%", "%%"));
}

/** One ssh_config argument: bare when safe, else double-quoted with `\` escapes. */
export function configValue(value: string): string {
  if (/[\n\r\0]/.test(value)) {
    throw new RumError(`ssh option value ${JSON.stringify(value)} contains a line break`);
  }
  if (/^[\w@%+=:,./~-]+$/.test(value)) return value;
  return `"${value.replace(/[\\"]/g, "\\$&")}"`;
}

/** A user or host beginning with `-` would be read by ssh as an option. */
function checkTarget(target: SshTarget): void {
  for (const [what, value] of [
    ["user", target.user],
    ["host", target.host],
  ] as const) {
    if (value === "" || value.startsWith("-") || /[\s@]/.test(value)) {
      throw new RumError(`invalid ssh ${what} ${JSON.stringify(value)}`, {
        hint: `set a plain ${what === "user" ? "user name in [ssh] user" : "address"} (no spaces, '@' or leading '-')`,
      });
    }
  }
}
