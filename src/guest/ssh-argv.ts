/**
 * argv for `ssh` and `scp` to a guest. Every call pins the guest's host key (per-VM
 * known_hosts + HostKeyAlias, StrictHostKeyChecking=yes) and shares one master connection.
 */
import { jumpOptions } from "./jump";
import {
  CONTROL_PERSIST,
  configValue,
  type SshTarget,
  scpRemotePrefix,
  shellQuote,
  sshDestination,
  sshPathValue,
  targetPort,
} from "./ssh-target";

export type { SshTarget } from "./ssh-target";
export { shellQuote } from "./ssh-target";

export interface SshArgvOptions {
  /** Guest command; each element reaches the guest as exactly one argument. */
  command?: string[];
  /** `-t` (the caller checks that stdin and stdout are terminals); otherwise `-T`. */
  tty?: boolean;
  /**
   * Passed through after the destination, the way a user types them after `ssh host`
   * (options such as `-L 8080:localhost:80`, or a command ssh joins with spaces).
   */
  extra?: string[];
  /** Never prompt (BatchMode=yes): for non-interactive calls. */
  batch?: boolean;
}

/** The `-o` options shared by ssh and scp (scp hands them to the ssh it runs). */
export function connectionOptions(target: SshTarget, batch: boolean): string[] {
  const options = [
    // Not `-i`: ssh stat()s an -i path before %-expansion, so a path with `%` could not work.
    `IdentityFile=${sshPathValue(target.keyPath)}`,
    "IdentitiesOnly=yes",
    `UserKnownHostsFile=${sshPathValue(target.knownHostsPath)}`,
    "GlobalKnownHostsFile=/dev/null",
    `HostKeyAlias=${configValue(target.hostKeyAlias)}`,
    "StrictHostKeyChecking=yes",
    "CheckHostIP=no",
    "ControlMaster=auto",
    `ControlPath=${sshPathValue(target.controlPath)}`,
    `ControlPersist=${CONTROL_PERSIST}`,
    "ConnectTimeout=5",
    "ServerAliveInterval=5",
    ...(batch ? ["BatchMode=yes"] : []),
    "LogLevel=ERROR",
    ...jumpOptions(target, batch).map(([key, value]) => `${key}=${value}`),
  ];
  return options.flatMap((o) => ["-o", o]);
}

export function sshArgv(target: SshTarget, opts: SshArgvOptions = {}): string[] {
  const prefix = (target.sshCommand?.trim() || "ssh").split(/\s+/);
  const argv = [
    ...prefix,
    ...connectionOptions(target, opts.batch ?? false),
    opts.tty ? "-t" : "-T",
    "-p",
    String(targetPort(target)),
    sshDestination(target),
    ...(opts.extra ?? []),
  ];
  // ssh sends the command as one string that the guest's shell splits again:
  // quoting each argument is what makes it arrive unchanged.
  if (opts.command && opts.command.length > 0) argv.push("--", shellQuote(opts.command));
  return argv;
}

/** One side of a copy: a path on the host, or a path in the guest. */
export interface CopyPath {
  side: "host" | "guest";
  path: string;
}

/** `:path` names the guest side (the `rum cp` convention); anything else is a host path. */
export function parseCopyPath(arg: string): CopyPath {
  return arg.startsWith(":") ? { side: "guest", path: arg.slice(1) } : { side: "host", path: arg };
}

/**
 * scp argv (SFTP mode, OpenSSH ≥ 9: guest paths are not run through a remote shell).
 * scp always runs OpenSSH's own ssh: `[ssh] command` wrappers (kitty) are for terminals.
 */
export function scpArgv(
  target: SshTarget,
  sources: CopyPath[],
  dest: CopyPath,
  opts: { recursive?: boolean; batch?: boolean } = {},
): string[] {
  const operand = (p: CopyPath): string =>
    p.side === "guest" ? `${scpRemotePrefix(target)}${p.path}` : scpLocalPath(p.path);
  return [
    "scp",
    ...connectionOptions(target, opts.batch ?? true),
    ...(opts.recursive ? ["-r"] : []),
    "-P",
    String(targetPort(target)),
    "--",
    ...sources.map(operand),
    operand(dest),
  ];
}

/** scp reads `a:b` as host `a`; `./a:b` is unambiguously local. */
function scpLocalPath(path: string): string {
  return path.includes(":") && !path.startsWith("/") ? `./${path}` : path;
}
