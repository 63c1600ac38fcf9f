/**
 * The forwarder's life outside ensureForwards: stopping it, reporting it for
 * `rum status`, telling it from a recycled PID, letting checkPortsFree accept its
 * ports, and outliving the process that started it.
 */
import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "pathe";
import { forwarderArgv, forwarderHash } from "../../src/guest/forward-argv";
import { type ForwarderRecord, recordPath } from "../../src/guest/forward-record";
import {
  checkPortsFree,
  ensureForwards,
  forwardStatus,
  stopForwards,
} from "../../src/guest/forwards";
import { freePort } from "../support/sshd";
import { accepts, alive, failure, forwardBed, get } from "./forwards-bed";

const bed = forwardBed();
const service = (name: string) => bed.service(name);
const stateDir = () => bed.stateDir();

describe("stopForwards and forwardStatus", () => {
  test("stop kills the forwarder and closes its ports; a second stop is a no-op", async () => {
    const dir = stateDir();
    const ports = [{ host: await freePort(), guest: service("bye"), bind: "127.0.0.1" }];
    const started = await ensureForwards({ stateDir: dir, target: bed.target(), ports });
    expect(await stopForwards(dir)).toBe(true);
    expect(alive(started.pid as number)).toBe(false);
    expect(await accepts(ports[0]?.host as number)).toBe(false);
    expect(existsSync(recordPath(dir))).toBe(false);
    expect(await stopForwards(dir)).toBe(false);
    expect(await forwardStatus(dir)).toEqual({
      running: false,
      ports: [],
      log: join(dir, "logs", "forwards.log"),
    });
  });

  test("status against rum.toml: a port not yet forwarded is not listening", async () => {
    const dir = stateDir();
    const served = { host: await freePort(), guest: service("s"), bind: "127.0.0.1" };
    const added = { host: await freePort(), guest: 81, bind: "127.0.0.1" };
    const { pid } = await ensureForwards({ stateDir: dir, target: bed.target(), ports: [served] });
    const status = await forwardStatus(dir, [served, added]);
    expect(status.running).toBe(true);
    expect(status.pid).toBe(pid as number);
    expect(status.ports.map((p) => p.listening)).toEqual([true, false]);
    await stopForwards(dir);
  });

  test("a recycled PID in forwards.json is neither reported nor killed", async () => {
    const dir = stateDir();
    const ports = [{ host: await freePort(), guest: 80, bind: "127.0.0.1" }];
    const stranger = Bun.spawn(["sleep", "30"]);
    try {
      await mkdir(dir, { recursive: true });
      const argv = forwarderArgv(bed.target(), ports);
      const record: ForwarderRecord = {
        pid: stranger.pid,
        argv,
        hash: forwarderHash(argv),
        ports,
        startedAt: new Date().toISOString(),
      };
      await writeFile(recordPath(dir), JSON.stringify(record));
      expect((await forwardStatus(dir)).running).toBe(false);
      expect(await stopForwards(dir)).toBe(false);
      expect(alive(stranger.pid)).toBe(true);
    } finally {
      stranger.kill();
    }
  });

  test("checkPortsFree accepts ports held by this VM's own forwarder, not another's", async () => {
    const [mine, other] = [stateDir(), stateDir()];
    const ports = [{ host: await freePort(), guest: service("own"), bind: "127.0.0.1" }];
    const { pid } = await ensureForwards({ stateDir: mine, target: bed.target(), ports });
    await checkPortsFree(ports, { stateDir: mine });
    const e = await failure(checkPortsFree(ports, { stateDir: other }));
    expect(e.message).toBe(
      `host port ${ports[0]?.host} on 127.0.0.1 is already in use by ssh (PID ${pid})`,
    );
    await stopForwards(mine);
  });
});

test("the forwarder outlives the process that started it", async () => {
  const dir = stateDir();
  const ports = [{ host: await freePort(), guest: service("survivor"), bind: "127.0.0.1" }];
  const script = `
    const { ensureForwards } = await import(${JSON.stringify(join(import.meta.dir, "../../src/guest/forwards.ts"))});
    const opts = JSON.parse(process.env.RUM_TEST_FORWARD);
    const status = await ensureForwards(opts);
    console.log(JSON.stringify(status));
  `;
  const child = Bun.spawn(["bun", "-e", script], {
    env: {
      ...process.env,
      RUM_TEST_FORWARD: JSON.stringify({ stateDir: dir, target: bed.target(), ports }),
    },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  expect({ code, err }).toEqual({ code: 0, err: "" });
  const { pid } = JSON.parse(out) as { pid: number };
  expect(alive(child.pid)).toBe(false);
  expect(alive(pid)).toBe(true);
  // Its own session: the terminal's Ctrl-C and hangup of the starter do not reach it.
  const [sid, pgid] = Bun.spawnSync(["ps", "-o", "sid=,pgid=", "-p", String(pid)])
    .stdout.toString()
    .trim()
    .split(/\s+/)
    .map(Number);
  expect({ sid, pgid }).toEqual({ sid: pid, pgid: pid });
  expect(await get(ports[0]?.host as number)).toBe("survivor");
  const status = await ensureForwards({ stateDir: dir, target: bed.target(), ports });
  expect({ started: status.started, pid: status.pid }).toEqual({ started: false, pid });
  expect(await stopForwards(dir)).toBe(true);
});
