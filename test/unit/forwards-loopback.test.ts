/**
 * ensureForwards through a real OpenSSH server on loopback playing the guest:
 * traffic flows, a second call keeps the forwarder, a changed or dead one is
 * replaced, and what ssh could not do comes back as an error naming the port.
 */
import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "pathe";
import { forwarderArgv, forwarderHash } from "../../src/guest/forward-argv";
import { type ForwarderRecord, readRecord, recordPath } from "../../src/guest/forward-record";
import {
  ensureForwards,
  forwardStatus,
  type PortForward,
  stopForwards,
} from "../../src/guest/forwards";
import { freePort } from "../support/sshd";
import { accepts, alive, failure, forwardBed, get } from "./forwards-bed";

const bed = forwardBed();
const service = (name: string) => bed.service(name);
const stateDir = () => bed.stateDir();

async function listenAddress(port: number): Promise<string[]> {
  const out = Bun.spawnSync(["ss", "-Hltn", "sport", "=", `:${port}`]).stdout.toString();
  return out
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((l) => l.trim().split(/\s+/)[3] as string);
}

describe("ensureForwards", () => {
  test("forwards a host port to the guest's port; a second call keeps it, restart replaces it", async () => {
    const dir = stateDir();
    const guestPort = service("web");
    const ports = [{ host: await freePort(), guest: guestPort, bind: "127.0.0.1" }];
    const first = await ensureForwards({ stateDir: dir, target: bed.target(), ports });
    expect(first.started).toBe(true);
    expect(first.running).toBe(true);
    expect(first.ports).toEqual([
      { ...(ports[0] as PortForward), listening: true, source: "config" },
    ]);
    expect(await get(ports[0]?.host as number)).toBe("web");

    const again = await ensureForwards({ stateDir: dir, target: bed.target(), ports });
    expect(again.started).toBe(false);
    expect(again.pid).toBe(first.pid as number);
    expect(await get(ports[0]?.host as number)).toBe("web");

    const fresh = await ensureForwards({
      stateDir: dir,
      target: bed.target(),
      ports,
      restart: true,
    });
    expect(fresh.started).toBe(true);
    expect(fresh.pid).not.toBe(first.pid as number);
    expect(alive(first.pid as number)).toBe(false);
    expect(await get(ports[0]?.host as number)).toBe("web");

    const record = (await readRecord(dir)) as ForwarderRecord;
    expect(record.pid).toBe(fresh.pid as number);
    expect(record.hash).toBe(forwarderHash(forwarderArgv(bed.target(), ports)));
    const cmdline = (await readFile(`/proc/${record.pid}/cmdline`, "utf8")).split("\0");
    expect(cmdline).toContain("ControlPath=none");
    expect(await readFile(join(dir, "logs", "forwards.log"), "utf8")).toContain(
      `rum starts forwards: 127.0.0.1:${ports[0]?.host} -> guest ${guestPort}`,
    );
    await stopForwards(dir);
  });

  test("two ports in one forwarder", async () => {
    const dir = stateDir();
    const ports = [
      { host: await freePort(), guest: service("a"), bind: "127.0.0.1" },
      { host: await freePort(), guest: service("b"), bind: "127.0.0.1" },
    ];
    const status = await ensureForwards({ stateDir: dir, target: bed.target(), ports });
    expect(status.ports.map((p) => p.listening)).toEqual([true, true]);
    expect(await get(ports[0]?.host as number)).toBe("a");
    expect(await get(ports[1]?.host as number)).toBe("b");
    await stopForwards(dir);
  });

  test("a changed port set replaces the forwarder; the old port closes", async () => {
    const dir = stateDir();
    const guestPort = service("svc");
    const old = [{ host: await freePort(), guest: guestPort, bind: "127.0.0.1" }];
    const first = await ensureForwards({ stateDir: dir, target: bed.target(), ports: old });
    const next = [{ host: await freePort(), guest: guestPort, bind: "127.0.0.1" }];
    const second = await ensureForwards({ stateDir: dir, target: bed.target(), ports: next });
    expect(second.started).toBe(true);
    expect(second.pid).not.toBe(first.pid as number);
    expect(alive(first.pid as number)).toBe(false);
    expect(await accepts(old[0]?.host as number)).toBe(false);
    expect(await get(next[0]?.host as number)).toBe("svc");
    await stopForwards(dir);
  });

  test("a dead forwarder is restarted", async () => {
    const dir = stateDir();
    const ports = [{ host: await freePort(), guest: service("phoenix"), bind: "127.0.0.1" }];
    const first = await ensureForwards({ stateDir: dir, target: bed.target(), ports });
    process.kill(first.pid as number, "SIGKILL");
    while (alive(first.pid as number)) await Bun.sleep(20);
    expect((await forwardStatus(dir)).running).toBe(false);
    const second = await ensureForwards({ stateDir: dir, target: bed.target(), ports });
    expect(second.started).toBe(true);
    expect(second.pid).not.toBe(first.pid as number);
    expect(await get(ports[0]?.host as number)).toBe("phoenix");
    await stopForwards(dir);
  });

  test("no ports: nothing runs, and a running forwarder is stopped", async () => {
    const dir = stateDir();
    const ports = [{ host: await freePort(), guest: service("x"), bind: "127.0.0.1" }];
    const first = await ensureForwards({ stateDir: dir, target: bed.target(), ports });
    const none = await ensureForwards({ stateDir: dir, target: bed.target(), ports: [] });
    expect(none).toMatchObject({ running: false, ports: [], started: false });
    expect(alive(first.pid as number)).toBe(false);
    expect(existsSync(recordPath(dir))).toBe(false);
  });

  test("bind 0.0.0.0 listens on every address, 127.0.0.1 on loopback only", async () => {
    const dir = stateDir();
    const guestPort = service("bound");
    const ports = [
      { host: await freePort(), guest: guestPort, bind: "0.0.0.0" },
      { host: await freePort(), guest: guestPort, bind: "127.0.0.1" },
    ];
    await ensureForwards({ stateDir: dir, target: bed.target(), ports });
    expect(await listenAddress(ports[0]?.host as number)).toEqual([`0.0.0.0:${ports[0]?.host}`]);
    expect(await listenAddress(ports[1]?.host as number)).toEqual([`127.0.0.1:${ports[1]?.host}`]);
    // Any loopback address reaches a wildcard listener, only 127.0.0.1 the other one.
    expect(await get(ports[0]?.host as number, "127.0.0.2")).toBe("bound");
    expect(await accepts(ports[1]?.host as number, "127.0.0.2")).toBe(false);
    expect(await get(ports[1]?.host as number)).toBe("bound");
    await stopForwards(dir);
  });

  test("an IPv6 bind address", async () => {
    const dir = stateDir();
    const ports = [{ host: await freePort(), guest: service("six"), bind: "::1" }];
    const status = await ensureForwards({ stateDir: dir, target: bed.target(), ports });
    expect(status.ports[0]?.listening).toBe(true);
    expect(await listenAddress(ports[0]?.host as number)).toEqual([`[::1]:${ports[0]?.host}`]);
    expect(await get(ports[0]?.host as number, "::1")).toBe("six");
    await stopForwards(dir);
  });

  test("a port another program holds: an error naming it, and nothing left running", async () => {
    const dir = stateDir();
    const busy = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    try {
      const ports = [
        { host: await freePort(), guest: service("ok"), bind: "127.0.0.1" },
        { host: busy.port, guest: 80, bind: "127.0.0.1" },
      ];
      const e = await failure(ensureForwards({ stateDir: dir, target: bed.target(), ports }));
      expect(e.message).toBe(
        `port ${busy.port} on 127.0.0.1 could not be forwarded: Address already in use`,
      );
      expect(e.details.join("\n")).toContain(`bind [127.0.0.1]:${busy.port}`);
      expect(existsSync(recordPath(dir))).toBe(false);
      expect(await accepts(ports[0]?.host as number)).toBe(false);
    } finally {
      busy.stop(true);
    }
  });

  test("ssh refused by the guest: the error quotes ssh and points to the log", async () => {
    const dir = stateDir();
    const port = await freePort();
    const ports = [{ host: port, guest: 80, bind: "127.0.0.1" }];
    const e = await failure(
      ensureForwards({
        stateDir: dir,
        target: { ...bed.target(), user: "rum-no-such-user" },
        ports,
      }),
    );
    expect(e.message).toBe(`port 127.0.0.1:${port} could not be forwarded: ssh exited`);
    expect(e.details.join("\n")).toContain("Permission denied");
    expect(e.hint).toBe(`see ${join(dir, "logs", "forwards.log")}`);
  });
});
