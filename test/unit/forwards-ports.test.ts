/**
 * checkPortsFree against real sockets: a port some other program listens on is
 * refused before boot, with the port, the address and (from `ss`) who holds it.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { RumError } from "../../src/errors";
import { checkPortsFree } from "../../src/guest/forward-ports";
import { freePort } from "../support/sshd";

const listeners: { stop(force?: boolean): void }[] = [];

/** A listener held by this test process (so `ss` names it "bun" with our PID). */
function occupy(hostname: string, port = 0): number {
  const l = Bun.listen({ hostname, port, socket: { data() {} } });
  listeners.push(l);
  return l.port;
}

afterEach(() => {
  for (const l of listeners.splice(0)) l.stop(true);
});

async function failure(promise: Promise<void>): Promise<RumError> {
  const e = await promise.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(RumError);
  return e as RumError;
}

describe("checkPortsFree", () => {
  test("free ports pass, on loopback and on every address", async () => {
    await checkPortsFree([
      { host: await freePort(), guest: 80, bind: "127.0.0.1" },
      { host: await freePort(), guest: 80, bind: "0.0.0.0" },
      { host: await freePort(), guest: 80, bind: "localhost" },
    ]);
    await checkPortsFree([]);
  });

  test("a busy port names the port, the address and the program holding it", async () => {
    const port = occupy("127.0.0.1");
    const e = await failure(checkPortsFree([{ host: port, guest: 80, bind: "127.0.0.1" }]));
    expect(e.message).toBe(
      `host port ${port} on 127.0.0.1 is already in use by bun (PID ${process.pid})`,
    );
    expect(e.hint).toBe("change [[ports]] host in rum.toml or stop the program using it");
    expect(e.exitCode).toBe(1);
  });

  test("0.0.0.0 clashes with a loopback listener on the same port", async () => {
    const port = occupy("127.0.0.1");
    const e = await failure(checkPortsFree([{ host: port, guest: 80, bind: "0.0.0.0" }]));
    expect(e.message).toStartWith(`host port ${port} on 0.0.0.0 is already in use`);
  });

  test("the same port on another address is no clash", async () => {
    const port = occupy("127.0.0.2");
    await checkPortsFree([{ host: port, guest: 80, bind: "127.0.0.1" }]);
  });

  test("every busy port is reported: the first as the message, the rest as details", async () => {
    const [a, b] = [occupy("127.0.0.1"), occupy("127.0.0.1")];
    const free = await freePort();
    const e = await failure(
      checkPortsFree([
        { host: a, guest: 1, bind: "127.0.0.1" },
        { host: free, guest: 2, bind: "127.0.0.1" },
        { host: b, guest: 3, bind: "127.0.0.1" },
      ]),
    );
    expect(e.message).toContain(`host port ${a} on 127.0.0.1`);
    expect(e.details).toHaveLength(1);
    expect(e.details[0]).toContain(`host port ${b} on 127.0.0.1 is already in use`);
  });

  test("an address this host does not have is named", async () => {
    // 192.0.2.0/24 is TEST-NET-1: never assigned to a real interface.
    const e = await failure(checkPortsFree([{ host: 8080, guest: 80, bind: "192.0.2.7" }]));
    expect(e.message).toBe("192.0.2.7 is not an address of this host (for 192.0.2.7:8080)");
    expect(e.hint).toContain("[[ports]] bind");
  });
});
