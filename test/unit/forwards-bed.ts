/**
 * The test bed of the forwards tests: a real OpenSSH server on loopback playing the
 * guest (startFakeGuest), HTTP servers on 127.0.0.1 standing in for the guest's
 * services, fresh VM state dirs, and an afterAll that stops every forwarder and
 * server whatever a failed test left behind.
 */
import { afterAll, beforeAll, expect } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "pathe";
import { RumError } from "../../src/errors";
import { stopForwards } from "../../src/guest/forwards";
import type { SshTarget } from "../../src/guest/ssh-target";
import { type FakeGuest, startFakeGuest, stopAllSshd } from "../support/sshd";

export interface ForwardBed {
  /** The fake guest's target (valid inside tests). */
  target(): SshTarget;
  /** A "guest service" on 127.0.0.1 answering every request with `name`; its port. */
  service(name: string): number;
  /** A fresh VM state dir (not created: ensureForwards makes what it needs). */
  stateDir(): string;
}

/** Call at the top of a test file: registers beforeAll/afterAll. */
export function forwardBed(): ForwardBed {
  let tmp = "";
  let guest: FakeGuest | undefined;
  const services: ReturnType<typeof Bun.serve>[] = [];
  const dirs: string[] = [];

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), "rum-fwd-"));
    guest = await startFakeGuest(join(tmp, "guest"));
  });

  afterAll(async () => {
    for (const dir of dirs) await stopForwards(dir).catch(() => false);
    for (const s of services) s.stop(true);
    await guest?.stop();
    await stopAllSshd();
    await rm(tmp, { recursive: true, force: true });
  });

  return {
    target: () => (guest as FakeGuest).target,
    service(name) {
      const s = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response(name) });
      services.push(s);
      return s.port as number;
    },
    stateDir() {
      const dir = join(tmp, `vm-${dirs.length + 1}`);
      dirs.push(dir);
      return dir;
    },
  };
}

export async function get(port: number, host = "127.0.0.1"): Promise<string> {
  const res = await fetch(`http://${host.includes(":") ? `[${host}]` : host}:${port}/`, {
    keepalive: false,
  });
  return res.text();
}

/** Whether a TCP connection to the port is accepted. */
export async function accepts(port: number, hostname = "127.0.0.1"): Promise<boolean> {
  try {
    const socket = await Bun.connect({ hostname, port, socket: { data() {} } });
    socket.end();
    return true;
  } catch {
    return false;
  }
}

/** A process that exists and is not a zombie. */
export function alive(pid: number): boolean {
  const stat = Bun.spawnSync(["ps", "-o", "stat=", "-p", String(pid)])
    .stdout.toString()
    .trim();
  return stat !== "" && !stat.startsWith("Z");
}

export async function failure(promise: Promise<unknown>): Promise<RumError> {
  const e = await promise.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(RumError);
  return e as RumError;
}
