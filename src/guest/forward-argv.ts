/**
 * The forwarder's command line: one `ssh -N` that holds every `[[ports]]` listener of a VM.
 * It pins the guest exactly like every other rum connection, but never goes through the
 * shared master: a ControlPersist master exits when idle, and forwards must live as long
 * as the VM does.
 */
import { connectionOptions } from "./ssh-argv";
import { type SshTarget, sshDestination, targetPort } from "./ssh-target";

/** One `[[ports]]` entry. */
export interface PortForward {
  host: number;
  guest: number;
  bind: string;
}

/** The config rules read `localhost` as the IPv4 loopback; so does the forwarder. */
export function bindAddress(bind: string): string {
  return bind === "localhost" ? "127.0.0.1" : bind;
}

/** `bind:port` as people read it (IPv6 in brackets). */
export function formatListen(p: Pick<PortForward, "bind" | "host">): string {
  const bind = bindAddress(p.bind);
  return `${bind.includes(":") ? `[${bind}]` : bind}:${p.host}`;
}

/** `-L` value: listen on bind:host here, connect to the guest's own loopback port. */
export function forwardSpec(p: PortForward): string {
  return `${formatListen(p)}:127.0.0.1:${p.guest}`;
}

const SHARED_MASTER = /^Control(Master|Path|Persist)=/;

const FORWARDER_OPTIONS = [
  "ControlMaster=no",
  "ControlPath=none",
  // A guest that is gone (powered off, rebooted) ends the forwarder within 15 s.
  "ServerAliveCountMax=3",
  // A port that cannot be bound ends ssh, instead of leaving a forwarder missing it.
  "ExitOnForwardFailure=yes",
];

export function forwarderArgv(target: SshTarget, ports: readonly PortForward[]): string[] {
  const pinned = connectionOptions(target, true);
  const options: string[] = [];
  for (let i = 0; i + 1 < pinned.length; i += 2) {
    const [flag, value] = [pinned[i] as string, pinned[i + 1] as string];
    if (!SHARED_MASTER.test(value)) options.push(flag, value);
  }
  return [
    // Plain OpenSSH: `[ssh] command` wrappers (kitty) are for terminals.
    "ssh",
    ...options,
    ...FORWARDER_OPTIONS.flatMap((o) => ["-o", o]),
    "-N",
    "-T",
    "-p",
    String(targetPort(target)),
    ...ports.flatMap((p) => ["-L", forwardSpec(p)]),
    sshDestination(target),
  ];
}

/** Identifies a forwarder: any change of ports, address, keys or options gives a new one. */
export function forwarderHash(argv: readonly string[]): string {
  return new Bun.CryptoHasher("sha256").update(JSON.stringify(argv)).digest("hex").slice(0, 16);
}
