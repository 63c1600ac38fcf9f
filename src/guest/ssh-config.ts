/**
 * The `rum ssh-config` text: a `Host` block that makes plain `ssh <name>` (and scp, rsync,
 * editors' remote plugins) connect the way rum does, host key pinned, master shared.
 * ssh uses the first value it finds for each option, so users should `Include` the
 * block before any `Host *` section of their own ~/.ssh/config.
 */
import { RumError } from "../errors";
import { jumpOptions } from "./jump";
import {
  CONTROL_PERSIST,
  configValue,
  type SshTarget,
  sshDestination,
  sshPathValue,
  targetPort,
} from "./ssh-target";

export function sshConfigBlock(name: string, target: SshTarget): string {
  // A Host line is a pattern list: blanks, `*`, `?`, `!` and `,` would change its meaning.
  if (!/^[A-Za-z0-9._-]+$/.test(name)) {
    throw new RumError(`cannot write an ssh Host block for ${JSON.stringify(name)}`, {
      hint: "VM names for ssh-config may use letters, digits, '.', '_' and '-' only",
    });
  }
  sshDestination(target); // rejects a user or host ssh would misread
  const lines: [string, string][] = [
    // HostName undergoes %-expansion too (%h), which matters for IPv6 zone ids (fe80::1%eth0).
    ["HostName", configValue(target.host.replaceAll("%", "%%"))],
    ["User", configValue(target.user)],
    ["Port", String(targetPort(target))],
    ["IdentityFile", sshPathValue(target.keyPath)],
    ["IdentitiesOnly", "yes"],
    ["UserKnownHostsFile", sshPathValue(target.knownHostsPath)],
    ["GlobalKnownHostsFile", "/dev/null"],
    ["HostKeyAlias", configValue(target.hostKeyAlias)],
    ["StrictHostKeyChecking", "yes"],
    ["CheckHostIP", "no"],
    ["ControlMaster", "auto"],
    ["ControlPath", sshPathValue(target.controlPath)],
    ["ControlPersist", CONTROL_PERSIST],
  ];
  // Interactive: the jump hop may ask for a passphrase, as the user's own ssh would.
  lines.push(...jumpOptions(target, false));
  return `Host ${name}\n${lines.map(([key, value]) => `  ${key} ${value}\n`).join("")}`;
}
