/**
 * rum's ssh argv against a real OpenSSH server on loopback. The test plays the guest: the
 * server presents the host key that ensureVmKeys made for the VM, and accepts its client key.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { existsSync, rmSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "pathe";
import { ensureVmKeys, type VmKeys } from "../../src/guest/keys";
import { isMasterRunning, stopMaster } from "../../src/guest/master";
import { type SshTarget, sshArgv } from "../../src/guest/ssh-argv";
import { masterPid } from "../support/ssh-master";
import { type Sshd, startFakeGuest, startSshd, stopAllSshd } from "../support/sshd";

let tmp: string;
let stateDir: string;
let keys: VmKeys;
let sshd: Sshd;
let target: SshTarget;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "rum-ssh-"));
  // Blanks and `%` in the state path: every path option must survive ssh's own parsing.
  stateDir = join(tmp, "data 100%", "rum-loop-1234abcd");
  ({ keys, sshd, target } = await startFakeGuest(stateDir));
});

afterAll(async () => {
  await stopMaster(target).catch(() => false);
  await stopAllSshd();
  await rm(tmp, { recursive: true, force: true });
});

interface Ran {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** Runs argv with stdin closed, or fed `input` through a pipe. */
async function spawn(argv: string[], input?: Uint8Array): Promise<Ran> {
  const child = Bun.spawn(argv, {
    stdin: input ? "pipe" : "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  if (input && child.stdin) {
    child.stdin.write(input);
    await child.stdin.end();
  }
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).arrayBuffer(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  return { code, stdout: Buffer.from(stdout), stderr };
}

const acceptedLogins = () => sshd.log().split("Accepted publickey").length - 1;

describe("ssh to a pinned guest", () => {
  test("runs `true` without a prompt, stdin closed", async () => {
    const r = await spawn(sshArgv(target, { command: ["true"], batch: true }));
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  test("the first call left a master; the next calls reuse it instead of logging in again", async () => {
    expect(existsSync(target.controlPath)).toBe(true);
    const pid = await masterPid(target);
    expect(pid).toBeNumber();
    const logins = acceptedLogins();
    const started = performance.now();
    const r = await spawn(sshArgv(target, { command: ["echo", "again"], batch: true }));
    const elapsed = performance.now() - started;
    expect(r.stdout.toString()).toBe("again\n");
    expect(acceptedLogins()).toBe(logins);
    expect(await masterPid(target)).toBe(pid);
    console.log(`ssh call over the shared master: ${elapsed.toFixed(0)} ms`);
  });

  test("guest command arguments arrive exactly", async () => {
    const args = ["a b", '"c"', "it's", "$(x)", "*", "", "new\nline", "a=b", "~", "-n", "\\"];
    const r = await spawn(
      sshArgv(target, { command: ["sh", "-c", 'printf "%s\\n" "$@"', "_", ...args], batch: true }),
    );
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toBe(args.map((a) => `${a}\n`).join(""));
  });

  test("exit codes pass through", async () => {
    for (const code of [0, 1, 42]) {
      const r = await spawn(
        sshArgv(target, { command: ["sh", "-c", `exit ${code}`], batch: true }),
      );
      expect(r.code).toBe(code);
    }
  });

  test("stdin comes back byte-exact through `cat` (10 MB of random bytes)", async () => {
    const data = randomBytes(10 * 1024 * 1024);
    const r = await spawn(sshArgv(target, { command: ["cat"], batch: true }), data);
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBe(data.length);
    expect(r.stdout.equals(data)).toBe(true);
  });

  test("-T gives no terminal; -t does, under a real pty (script)", async () => {
    const noTty = await spawn(sshArgv(target, { command: ["tty"], batch: true }));
    expect(noTty.stdout.toString()).toBe("not a tty\n");
    const argv = sshArgv(target, { command: ["tty"], tty: true, batch: true });
    const quoted = argv.map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(" ");
    const withTty = await spawn(["script", "-qec", quoted, "/dev/null"]);
    expect(withTty.code).toBe(0);
    expect(withTty.stdout.toString()).toMatch(/\/dev\/pts\/\d+\r?\n/);
  });

  test("[ssh] command is split into an argv prefix", async () => {
    const r = await spawn(
      sshArgv(
        { ...target, sshCommand: "env  LC_ALL=C ssh" },
        { command: ["echo", "via env"], batch: true },
      ),
    );
    expect(r.stdout.toString()).toBe("via env\n");
  });

  test("stopMaster ends the master and removes its socket", async () => {
    expect(await isMasterRunning(target)).toBe(true);
    expect(await stopMaster(target)).toBe(true);
    expect(existsSync(target.controlPath)).toBe(false);
    expect(await isMasterRunning(target)).toBe(false);
    expect(await stopMaster(target)).toBe(false);
  });

  test("a socket file nobody listens on (a killed master's) is no master", async () => {
    // python binds and exits without unlinking, as a SIGKILLed ssh leaves its socket.
    const bind = Bun.spawnSync([
      "python3",
      "-c",
      "import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])",
      target.controlPath,
    ]);
    expect(bind.exitCode).toBe(0);
    expect(existsSync(target.controlPath)).toBe(true);
    expect(await isMasterRunning(target)).toBe(false);
    rmSync(target.controlPath);
  });
});

describe("host key pinning is real", () => {
  test("a server presenting another host key is refused, and nothing is learned", async () => {
    const impostor = await ensureVmKeys(join(tmp, "impostor", keys.hostKeyAlias));
    const port = sshd.port;
    await sshd.stop();
    const fake = await startSshd({
      hostKeyPath: join(tmp, "impostor", keys.hostKeyAlias, "host_ed25519"),
      authorizedKeys: [keys.clientPub],
      port,
    });
    try {
      const knownBefore = await readFile(target.knownHostsPath, "utf8");
      const r = await spawn(sshArgv(target, { command: ["true"], batch: true }));
      expect(r.code).toBe(255);
      expect(r.stderr).toContain("REMOTE HOST IDENTIFICATION HAS CHANGED");
      expect(r.stderr).toContain("Host key verification failed");
      expect(fake.log()).not.toContain("Accepted publickey");
      expect(await readFile(target.knownHostsPath, "utf8")).toBe(knownBefore);
      expect(knownBefore).not.toContain(impostor.hostKey.publicKey);
      expect(await isMasterRunning(target)).toBe(false);
    } finally {
      await fake.stop();
    }
    // The real guest again: accepted as before.
    sshd = await startSshd({
      hostKeyPath: join(stateDir, "host_ed25519"),
      authorizedKeys: [keys.clientPub],
      port,
    });
    const r = await spawn(sshArgv(target, { command: ["true"], batch: true }));
    expect(r.code).toBe(0);
  });

  test("an unknown host key is refused too (no trust on first use)", async () => {
    await stopMaster(target);
    const r = await spawn(
      sshArgv({ ...target, hostKeyAlias: "not-pinned" }, { command: ["true"], batch: true }),
    );
    expect(r.code).toBe(255);
    expect(r.stderr).toContain("Host key verification failed");
  });
});
