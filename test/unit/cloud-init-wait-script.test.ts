/**
 * The guest-side cloud-init wait (src/guest/cloud-init-wait.ts), run by a real
 * sh with stand-ins for systemctl and cloud-init on PATH: it answers "done"
 * itself only for a result without errors, and hands every other case to
 * `cloud-init status --wait`.
 */
import { afterAll, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "pathe";
import { cloudInitWaitCommand } from "../../src/guest/cloud-init-wait";

const tmp = mkdtempSync(join(tmpdir(), "rum-ci-script-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
/** A run dir and a bin dir whose systemctl prints `boot` and whose cloud-init notes its call. */
function guest(boot: string | null) {
  const dir = join(tmp, `g${n++}`);
  const bin = join(dir, "bin");
  mkdirSync(bin, { recursive: true });
  const fake = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  fake("cloud-init", `echo "$*" > ${join(dir, "asked")}; echo "status: error"; exit 1`);
  // null: no systemctl at all (a guest without systemd), as `command not found`.
  if (boot !== null) fake("systemctl", `cat ${join(dir, "boot")}`);
  writeFileSync(join(dir, "boot"), boot ?? "");
  const result = (json: string) => writeFileSync(join(dir, "result.json"), json);
  const run = async () => {
    const child = Bun.spawn(cloudInitWaitCommand(dir), {
      env: { PATH: `${bin}:/usr/bin:/bin` },
      stdout: "pipe",
    });
    const out = await new Response(child.stdout).text();
    return { code: await child.exited, out, asked: existsSync(join(dir, "asked")) };
  };
  return { dir, result, run, setBoot: (s: string) => writeFileSync(join(dir, "boot"), s) };
}

const CLEAN = `{\n "v1": {\n  "datasource": "DataSourceNoCloud [seed=/dev/sr0][dsmode=net]",\n  "errors": []\n }\n}\n`;

test("a result without errors is done, without starting cloud-init", async () => {
  const g = guest("starting");
  g.result(CLEAN);
  expect(await g.run()).toEqual({ code: 0, out: "status: done\n", asked: false });
});

test("newer cloud-init's empty recoverable_errors is done too", async () => {
  const g = guest("starting");
  g.result(`{"v1": {"datasource": "x", "errors": [], "recoverable_errors": {}}}`);
  expect(await g.run()).toEqual({ code: 0, out: "status: done\n", asked: false });
});

test("it waits while the guest boots, and sees the result when it lands", async () => {
  const g = guest("starting");
  const waiting = g.run();
  await Bun.sleep(700);
  g.result(CLEAN);
  const r = await waiting;
  expect(r).toEqual({ code: 0, out: "status: done\n", asked: false });
});

test("errors, or warnings, are cloud-init's to report: its exit code comes back", async () => {
  for (const json of [
    `{"v1": {"datasource": "x", "errors": ["(scripts-user) Runparts: 1 failures"]}}`,
    `{"v1": {"datasource": "x", "errors": [], "recoverable_errors": {"WARNING": ["deprecated"]}}}`,
  ]) {
    const g = guest("starting");
    g.result(json);
    expect(await g.run()).toEqual({ code: 1, out: "status: error\n", asked: true });
  }
});

test("boot over without a result (cloud-init disabled or failed): cloud-init answers", async () => {
  const g = guest("starting");
  const waiting = g.run();
  await Bun.sleep(300);
  g.setBoot("degraded");
  const r = await waiting;
  expect(r.asked).toBe(true);
  expect(r.code).toBe(1);
});

test("a guest without systemd hands the wait to cloud-init at once", async () => {
  for (const boot of [null, "offline"]) {
    const g = guest(boot);
    const started = performance.now();
    const r = await g.run();
    expect(r.asked).toBe(true);
    expect(performance.now() - started).toBeLessThan(1500);
  }
});
