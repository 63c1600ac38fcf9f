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
  /** `[ssh] proxy_jump` as the user wrote it (ssh `ProxyJump` syntax). */
  proxyJump?: string;
  /** The libvirt host of a `qemu+ssh://` URI, reached with the URI's own parameters. */
  jumpHost?: JumpHost;
  /** The `[ssh] command` setting, e.g. "ssh" or "kitty +kitten ssh"; default "ssh". */
  sshCommand?: string;
}

/** A jump host with the connection parameters a libvirt URI gives for it. */
export interface JumpHost {
  /** Host name or address (IPv6 without brackets). */
  host: string;
  user?: string;
  port?: number;
  /** libvirt's `keyfile` parameter: the identity for this hop. */
  identityFile?: string;
  /** libvirt's `known_hosts` parameter; else ssh's usual known_hosts files. */
  knownHostsFile?: string;
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

// No `=` (a leading NAME=value is an assignment in sh, `=cmd` a path lookup in zsh) and no `~`.
const SAFE_WORD = /^[\w@%+:,./-]+$/;

/** Quote arguments for a POSIX shell so that it splits them back into exactly `args`. */
export function shellQuote(args: readonly string[]): string {
  return args.map((a) => (SAFE_WORD.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`)).join(" ");
}
