/**
 * Reaching a guest on a remote libvirt host: its NAT network is only routable from
 * that host, so every connection jumps through it. The jump is derived from a
 * `qemu+ssh://user@host:port/system?keyfile=…&known_hosts=…` URI with the same
 * parameters libvirt uses for that host, or taken as written from `[ssh] proxy_jump`.
 *
 * `ssh -J` cannot carry an identity or known_hosts file for the jump hop, so a derived
 * jump is a ProxyCommand (`ssh … -W [%h]:%p host`). ssh runs it through the user's
 * shell after its own %-token expansion: every word is shell-quoted, every `%` doubled.
 * The hop's host key is checked strictly, against the user's known_hosts or the URI's
 * `known_hosts` file; libvirt's `no_verify` is for libvirt's own connection only.
 */
import { RumError } from "../errors";
import { run } from "../host/proc";
import { configValue, type JumpHost, type SshTarget, shellQuote, sshPathValue } from "./ssh-target";

const SSH_URI =
  /^[a-z0-9]+\+(?:ssh|libssh|libssh2):\/\/(?:([^@/?#]*)@)?(\[[0-9A-Fa-f:.]+\]|[^:/?#[\]]+)(?::(\d+))?[^?#]*(?:\?([^#]*))?$/i;

/** The libvirt host of an SSH-transport URI, or undefined for any other URI. */
export function jumpHostFromUri(uri: string): JumpHost | undefined {
  const m = SSH_URI.exec(uri);
  const host = m?.[2];
  if (!m || !host) return undefined;
  const [, user, , port, query] = m;
  const params = uriParams(query ?? "");
  const jump: JumpHost = { host: host.replace(/^\[(.*)\]$/, "$1") };
  if (user) jump.user = unescapeUri(user);
  if (port) jump.port = Number(port);
  if (params.keyfile) jump.identityFile = params.keyfile;
  if (params.known_hosts) jump.knownHostsFile = params.known_hosts;
  return jump;
}

/**
 * libvirt's query syntax (virURIParseParams): `&` separates parameters (`;` only where no
 * `&` is left), %XX escapes are decoded, `+` is literal, names are case-insensitive.
 */
function uriParams(query: string): Record<string, string> {
  const params: Record<string, string> = {};
  let rest = query;
  while (rest !== "") {
    let end = rest.indexOf("&");
    if (end < 0) end = rest.indexOf(";");
    if (end < 0) end = rest.length;
    const part = rest.slice(0, end);
    const eq = part.indexOf("=");
    if (eq > 0)
      params[unescapeUri(part.slice(0, eq)).toLowerCase()] = unescapeUri(part.slice(eq + 1));
    rest = rest.slice(end + 1);
  }
  return params;
}

/** %XX escapes decoded; a malformed one is kept as written (libvirt does the same). */
function unescapeUri(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** `user@host:port` as people read it (error messages, step labels). */
export function jumpLabel(jump: JumpHost): string {
  const host = jump.host.includes(":") ? `[${jump.host}]` : jump.host;
  return `${jump.user ? `${jump.user}@` : ""}${host}${jump.port ? `:${jump.port}` : ""}`;
}

/** A path for ssh's option parser; `~/` is left for ssh to expand, as libvirt's ssh does. */
function hopPath(path: string): string {
  return path.startsWith("~/") ? configValue(path.replaceAll("%", "%%")) : sshPathValue(path);
}

/** argv of `ssh` to the jump host, up to (not including) what follows the destination. */
export function jumpSshArgv(jump: JumpHost, batch: boolean): { options: string[]; dest: string[] } {
  const options = [
    "StrictHostKeyChecking=yes",
    ...(batch ? ["BatchMode=yes", "ConnectTimeout=10"] : []),
    ...(jump.identityFile ? [`IdentityFile=${hopPath(jump.identityFile)}`] : []),
    ...(jump.knownHostsFile ? [`UserKnownHostsFile=${hopPath(jump.knownHostsFile)}`] : []),
  ];
  return {
    options: [
      "ssh",
      ...options.flatMap((o) => ["-o", o]),
      ...(jump.port ? ["-p", String(jump.port)] : []),
      ...(jump.user ? ["-l", jump.user] : []),
    ],
    // `--`: a host beginning with `-` must not be read as an option.
    dest: ["--", jump.host],
  };
}

/** The ProxyCommand text (the same for a `-o` option and an ssh_config line). */
export function proxyCommand(jump: JumpHost, batch: boolean): string {
  const { options, dest } = jumpSshArgv(jump, batch);
  const quoted = (words: string[]) => shellQuote(words).replaceAll("%", "%%");
  return `${quoted(options)} -W '[%h]:%p' ${quoted(dest)}`;
}

/** The jump as ssh options (key, value): ProxyJump as written, or the derived ProxyCommand. */
export function jumpOptions(target: SshTarget, batch: boolean): [string, string][] {
  if (target.proxyJump) return [["ProxyJump", configValue(target.proxyJump)]];
  if (target.jumpHost) return [["ProxyCommand", proxyCommand(target.jumpHost, batch)]];
  return [];
}

/**
 * A jump host that refuses rum fails at once, with its own words: behind ControlPersist, ssh
 * sends a ProxyCommand's stderr to /dev/null, so a failing hop would only show as
 * "connection closed" until the SSH login deadline.
 */
export async function checkJumpHost(jump: JumpHost): Promise<void> {
  const { options, dest } = jumpSshArgv(jump, true);
  const r = await run([...options, ...dest, "true"], { allowFailure: true, timeoutMs: 30_000 });
  if (r.exitCode === 0) return;
  const said =
    r.stderr
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean)
      .slice(-2)
      .join(" ") || `exit code ${r.exitCode}`;
  throw new RumError(
    `cannot ssh to the libvirt host ${jumpLabel(jump)} (the guest's jump host): ${said}`,
    {
      hint: "rum checks that host's key strictly (libvirt's no_verify does not apply): `ssh` there once to record it, or name a known_hosts file with the URI's known_hosts=… parameter; the login key is the URI's keyfile=…, else your ssh defaults",
    },
  );
}
