/**
 * Before boot, every `[[ports]]` host port must be free to listen on at its address, or
 * already held by this VM's own forwarder. A busy port names the program holding it
 * (from `ss -ltnp`, best effort): finding that out after a VM booted is too late.
 */
import { RumError } from "../errors";
import { run, which } from "../host/proc";
import { bindAddress, formatListen, type PortForward } from "./forward-argv";
import { listeningPorts, runsArgv } from "./forward-proc";
import { readRecord } from "./forward-record";

interface Problem {
  message: string;
  hint: string;
}

const IN_USE_HINT = "change [[ports]] host in rum.toml or stop the program using it";

/**
 * Throws a RumError (exit 1: the config is valid, this host's state is in the way) naming
 * the first port that cannot be used; further ones are listed in its details.
 */
export async function checkPortsFree(
  ports: readonly PortForward[],
  opts: { stateDir?: string } = {},
): Promise<void> {
  const ours = opts.stateDir ? await ownForwarder(opts.stateDir) : null;
  const problems: Problem[] = [];
  for (const p of ports) {
    const code = probe(p);
    if (code === null) continue;
    const problem = await explain(p, code, ours);
    if (problem) problems.push(problem);
  }
  const [first, ...rest] = problems;
  if (first) {
    throw new RumError(first.message, { hint: first.hint, details: rest.map((r) => r.message) });
  }
}

/** Listen on the port for an instant; the error code when that fails. */
function probe(p: PortForward): string | null {
  try {
    Bun.listen({ hostname: bindAddress(p.bind), port: p.host, socket: { data() {} } }).stop(true);
    return null;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? "EUNKNOWN";
  }
}

interface OwnForwarder {
  pid: number;
  ports: Set<number>;
}

async function ownForwarder(stateDir: string): Promise<OwnForwarder | null> {
  const record = await readRecord(stateDir);
  if (!record || !(await runsArgv(record.pid, record.argv))) return null;
  return { pid: record.pid, ports: await listeningPorts(record.pid) };
}

async function explain(
  p: PortForward,
  code: string,
  ours: OwnForwarder | null,
): Promise<Problem | null> {
  const where = `host port ${p.host} on ${bindAddress(p.bind)}`;
  if (code === "EADDRINUSE") {
    const others = (await portOwners(p.host)).filter((o) => o.pid !== ours?.pid);
    // `rum up` replaces its own forwarder when the ports changed: that one is no obstacle.
    if (ours?.ports.has(p.host) && others.length === 0) return null;
    const owner = others[0];
    const by = owner ? `${owner.name} (PID ${owner.pid})` : "another program";
    return { message: `${where} is already in use by ${by}`, hint: IN_USE_HINT };
  }
  if (code === "EACCES") {
    return {
      message: `${where} needs root to listen on`,
      hint: "use a host port of 1024 or above in [[ports]] host",
    };
  }
  if (code === "EADDRNOTAVAIL") {
    return {
      message: `${bindAddress(p.bind)} is not an address of this host (for ${formatListen(p)})`,
      hint: "set [[ports]] bind to 127.0.0.1, 0.0.0.0 or an address of this host",
    };
  }
  return { message: `${where} cannot be listened on (${code})`, hint: IN_USE_HINT };
}

export interface PortOwner {
  pid: number;
  name: string;
}

/** Processes listening on a TCP port, per `ss -ltnp`; empty when ss is missing or says nothing. */
export async function portOwners(port: number): Promise<PortOwner[]> {
  if (!which("ss")) return [];
  const result = await run(["ss", "-Hltnp", "sport", "=", `:${port}`], {
    allowFailure: true,
    timeoutMs: 3000,
  }).catch(() => null);
  return result?.exitCode === 0 ? parseSsOwners(result.stdout) : [];
}

/** `users:(("nginx",pid=12,fd=6),("nginx",pid=13,fd=6))` → each process once. */
export function parseSsOwners(text: string): PortOwner[] {
  const owners = new Map<number, PortOwner>();
  for (const m of text.matchAll(/\("((?:[^"\\]|\\.)*)",pid=(\d+),fd=\d+\)/g)) {
    const pid = Number(m[2]);
    if (!owners.has(pid)) owners.set(pid, { pid, name: m[1] as string });
  }
  return [...owners.values()];
}
