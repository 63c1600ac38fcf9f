/**
 * `[network] auto_forward`: which guest listeners to forward, from `ss -Htln` output.
 * Only listeners the forward can reach: it connects to the guest's 127.0.0.1, so a
 * socket on all addresses (0.0.0.0, ::, *) or on 127.0.0.1 itself; never SSH's 22.
 */

/** `ss -Htln` lines → the reachable listening ports. */
export function parseListeners(text: string): Set<number> {
  const ports = new Set<number>();
  for (const line of text.split("\n")) {
    // State Recv-Q Send-Q Local:Port Peer:Port [Process]
    const local = line.trim().split(/\s+/)[3];
    if (!local) continue;
    const colon = local.lastIndexOf(":");
    const port = Number(local.slice(colon + 1));
    // `127.0.0.53%lo` names the interface after the address.
    const address = local.slice(0, colon).replace(/%[^\]]*/, "");
    if (Number.isInteger(port) && port > 0 && port < 65536 && REACHABLE.has(address)) {
      ports.add(port);
    }
  }
  return ports;
}

const REACHABLE = new Set(["0.0.0.0", "*", "[::]", "127.0.0.1", "[::ffff:127.0.0.1]"]);

export const SSH_PORT = 22;

/** The ports to forward now: reachable listeners except SSH and the excluded ones. */
export function wantedPorts(listening: Set<number>, exclude: readonly number[]): Set<number> {
  return new Set([...listening].filter((p) => p !== SSH_PORT && !exclude.includes(p)));
}

/** What to add and what to cancel to get from `current` to `wanted`. */
export function diffPorts(
  current: ReadonlySet<number>,
  wanted: ReadonlySet<number>,
): { add: number[]; cancel: number[] } {
  return {
    add: [...wanted].filter((p) => !current.has(p)).sort((a, b) => a - b),
    cancel: [...current].filter((p) => !wanted.has(p)).sort((a, b) => a - b),
  };
}

/**
 * A guest loop that prints the listeners once a second, each snapshot ended by a
 * line `.`: one ssh for as long as the VM runs, instead of one per poll.
 */
export const GUEST_LISTENER_LOOP = "while :; do ss -Htln || exit 1; echo .; sleep 1; done";

/** Splits a stream into snapshots: feed it stdout chunks, it calls back per complete one. */
export function snapshotReader(onSnapshot: (text: string) => void): (chunk: string) => void {
  let buffer = "";
  return (chunk) => {
    buffer += chunk;
    let end = buffer.indexOf("\n.\n");
    while (end !== -1 || buffer.startsWith(".\n")) {
      const cut = buffer.startsWith(".\n") ? 0 : end + 1;
      onSnapshot(buffer.slice(0, cut));
      buffer = buffer.slice(cut + 2);
      end = buffer.indexOf("\n.\n");
    }
  };
}
