/**
 * Waiting for cloud-init over SSH: a guest whose cloud-init reports an error
 * (played by a loopback sshd whose ForceCommand answers like Debian 12's
 * cloud-init does) and a guest that cannot be reached are told apart.
 */
import { afterAll, expect, test } from "bun:test";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "pathe";
import { RumError } from "../../src/errors";
import { waitForCloudInit } from "../../src/guest/ready";
import { startFakeGuest, stopAllSshd } from "../support/sshd";

const tmp = mkdtempSync(join(tmpdir(), "rum-ci-wait-"));
afterAll(async () => {
  await stopAllSshd();
  rmSync(tmp, { recursive: true, force: true });
});

async function failure(p: Promise<unknown>): Promise<RumError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(RumError);
  return e as RumError;
}

test("cloud-init's error: rum shows `status --long` and names the log", async () => {
  const play = join(tmp, "cloud-init-fails.sh");
  writeFileSync(
    play,
    `#!/bin/sh
case "$SSH_ORIGINAL_COMMAND" in
  *"status --long"*) printf 'status: error\\nerrors:\\n\\t- (scripts-user/RuntimeError) Runparts: 1 failures (runcmd) in 1 attempted commands\\n' ;;
  *"status --wait"*) printf '....\\n'; exit 1 ;;
  *) exec sh -c "$SSH_ORIGINAL_COMMAND" ;;
esac
`,
  );
  chmodSync(play, 0o755);
  const guest = await startFakeGuest(join(tmp, "bad"), [`ForceCommand ${play}`]);
  const e = await failure(waitForCloudInit(guest.target, 60_000));
  expect(e.message).toContain("cloud-init reported an error in the guest");
  expect(e.message).toContain("Runparts: 1 failures (runcmd)");
  expect(e.hint).toContain("/var/log/cloud-init.log");
  await guest.stop();
});

test("a guest that cannot be reached is a lost connection, not a cloud-init error", async () => {
  const guest = await startFakeGuest(join(tmp, "gone"));
  await guest.stop();
  const e = await failure(waitForCloudInit(guest.target, 60_000));
  expect(e.message).toContain("lost the SSH connection to the guest while waiting for cloud-init");
  expect(e.message).not.toContain("cloud-init reported");
  expect(e.hint).toContain("rum status");
}, 30_000);

test("a guest whose address moved under a dropped connection is followed there", async () => {
  const play = join(tmp, "cloud-init-done.sh");
  writeFileSync(
    play,
    `#!/bin/sh
case "$SSH_ORIGINAL_COMMAND" in
  *"status --wait"*) printf 'status: done\\n' ;;
  *) exec sh -c "$SSH_ORIGINAL_COMMAND" ;;
esac
`,
  );
  chmodSync(play, 0o755);
  const guest = await startFakeGuest(join(tmp, "moved"), [`ForceCommand ${play}`]);
  // The old lease: an address where nothing answers (the fake guest listens on 127.0.0.1 only).
  const stale = { ...guest.target, host: "127.0.0.3", controlPath: join(tmp, "stale.sock") };
  const asked: string[] = [];
  const done = await waitForCloudInit(stale, 60_000, async (t) => {
    asked.push(t.host);
    return guest.target;
  });
  expect(asked).toEqual(["127.0.0.3"]);
  expect(done.host).toBe(guest.target.host);
  await guest.stop();
}, 30_000);

test("[advanced] cloud_init_timeout_s bounds the wait, and the hint names it", async () => {
  const play = join(tmp, "cloud-init-hangs.sh");
  writeFileSync(
    play,
    `#!/bin/sh
case "$SSH_ORIGINAL_COMMAND" in
  *"status --wait"*) sleep 60 ;;
  *) exec sh -c "$SSH_ORIGINAL_COMMAND" ;;
esac
`,
  );
  chmodSync(play, 0o755);
  const guest = await startFakeGuest(join(tmp, "slow"), [`ForceCommand ${play}`]);
  const started = Date.now();
  const e = await failure(waitForCloudInit(guest.target, 2000));
  expect(Date.now() - started).toBeLessThan(15_000);
  expect(e.message).toBe("timed out after 2s waiting for cloud-init to finish");
  expect(e.hint).toContain("[advanced] cloud_init_timeout_s");
  await guest.stop();
}, 30_000);
