/**
 * A throw-away OpenSSH server on 127.0.0.1 for tests that need a real SSH peer without a VM:
 * its own sshd_config, host key and authorized_keys in a private temp dir, run in the
 * foreground (`-D -e`) so the test owns the process and reads its log.
 * `startFakeGuest(stateDir)` goes one step further: a server that holds a VM's keys as made
 * by ensureVmKeys, plus the SshTarget rum would use to reach it.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "pathe";
import { ensureVmKeys, type VmKeys } from "../../src/guest/keys";
import { stopMaster } from "../../src/guest/master";
import { controlPathFor } from "../../src/guest/ssh-control-path";
import type { SshTarget } from "../../src/guest/ssh-target";

export interface SshdOptions {
  /** Private host key the server presents (copied; the original is not touched). */
  hostKeyPath: string;
  /** Public key lines allowed to log in. */
  authorizedKeys: string[];
  /** Default: a free loopback port. Pass a stopped server's port to "restart" it. */
  port?: number;
  /** Extra sshd_config lines. */
  config?: string[];
}

export interface Sshd {
  host: "127.0.0.1";
  port: number;
  /** The user the tests log in as (the one running them). */
  user: string;
  pid: number;
  /** The server's log so far (sshd -e writes it to stderr). */
  log(): string;
  /** Stops the listener and every connection it forked; removes its temp dir. Idempotent. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 10_000;
const running = new Set<Sshd>();

export async function startSshd(opts: SshdOptions): Promise<Sshd> {
  // sshd refuses to start without its privilege separation directory, which only a
  // booted system (systemd-tmpfiles) creates.
  await mkdir("/run/sshd", { recursive: true, mode: 0o755 });
  // Not $TMPDIR: sshd_config paths must stay free of blanks, quotes and `%`.
  const dir = await mkdtemp("/tmp/rum-sshd-");
  const port = opts.port ?? (await freePort());
  await writeFile(join(dir, "host_key"), await readFile(opts.hostKeyPath), { mode: 0o600 });
  await writeFile(join(dir, "authorized_keys"), `${opts.authorizedKeys.join("\n")}\n`, {
    mode: 0o600,
  });
  const config = [
    `Port ${port}`,
    "ListenAddress 127.0.0.1",
    `HostKey ${join(dir, "host_key")}`,
    `AuthorizedKeysFile ${join(dir, "authorized_keys")}`,
    "PidFile none",
    "UsePAM no",
    // The temp dir lives under world-writable /tmp, which StrictModes would reject.
    "StrictModes no",
    "PasswordAuthentication no",
    "KbdInteractiveAuthentication no",
    "PermitRootLogin prohibit-password",
    "PrintMotd no",
    "Subsystem sftp internal-sftp",
    ...(opts.config ?? []),
  ];
  await writeFile(join(dir, "sshd_config"), `${config.join("\n")}\n`);

  const child = Bun.spawn(["/usr/sbin/sshd", "-D", "-e", "-f", join(dir, "sshd_config")], {
    stdin: "ignore",
    stdout: "ignore",
    stderr: "pipe",
  });
  let log = "";
  let timer: Timer | undefined;
  const listening = new Promise<void>((ready, fail) => {
    timer = setTimeout(
      () => fail(new Error(`sshd not listening after ${READY_TIMEOUT_MS} ms:\n${log}`)),
      READY_TIMEOUT_MS,
    );
    void (async () => {
      const decoder = new TextDecoder();
      for await (const chunk of child.stderr) {
        log += decoder.decode(chunk, { stream: true });
        if (log.includes(`Server listening on 127.0.0.1 port ${port}`)) ready();
      }
      fail(new Error(`sshd exited before listening:\n${log}`));
    })();
  }).finally(() => clearTimeout(timer));

  let stopped = false;
  const server: Sshd = {
    host: "127.0.0.1",
    port,
    user: currentUser(),
    pid: child.pid,
    log: () => log,
    async stop() {
      if (stopped) return;
      stopped = true;
      running.delete(server);
      // Per-connection sshd processes run in their own sessions: find them by parentage.
      for (const pid of [...(await descendants(child.pid)), child.pid]) killQuietly(pid);
      await child.exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
  running.add(server);
  try {
    await listening;
  } catch (e) {
    await server.stop();
    throw e;
  }
  return server;
}

/** A loopback TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const { port } = probe;
  probe.stop(true);
  return port;
}

/** Stops every server this process started (for afterAll, whatever a test left behind). */
export async function stopAllSshd(): Promise<void> {
  await Promise.all([...running].map((s) => s.stop()));
}

async function descendants(root: number): Promise<number[]> {
  const children = new Map<number, number[]>();
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    // The ppid follows the state letter after the parenthesised command name (which may hold blanks).
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (ppid) children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  const found = [...(children.get(root) ?? [])];
  for (const pid of found) found.push(...(children.get(pid) ?? []));
  return found;
}

/** os.userInfo() under Bun falls back to "unknown" when $USER is unset (as in CI): ask id(1). */
function currentUser(): string {
  return Bun.spawnSync(["id", "-un"]).stdout.toString().trim();
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    // already gone
  }
}

// A test run that dies without afterAll must not leave servers behind.
process.once("exit", () => {
  for (const server of running) killQuietly(server.pid);
});

export interface FakeGuest {
  keys: VmKeys;
  sshd: Sshd;
  /** What rum would use to reach a VM whose state lives in the given dir. */
  target: SshTarget;
  /** Ends the ssh master and the server. */
  stop(): Promise<void>;
}

/**
 * A "guest" without a VM: keys made by ensureVmKeys in `stateDir` (alias = its base name),
 * and a server presenting the VM's host key and accepting its client key.
 */
/** `config`: extra sshd_config lines, e.g. a ForceCommand that plays a guest command. */
export async function startFakeGuest(stateDir: string, config: string[] = []): Promise<FakeGuest> {
  const keys = await ensureVmKeys(stateDir);
  const sshd = await startSshd({
    hostKeyPath: join(stateDir, "host_ed25519"),
    authorizedKeys: [keys.clientPub],
    config,
  });
  const target: SshTarget = {
    host: sshd.host,
    port: sshd.port,
    user: sshd.user,
    keyPath: keys.clientKey,
    knownHostsPath: keys.knownHostsPath,
    hostKeyAlias: keys.hostKeyAlias,
    controlPath: controlPathFor(stateDir, keys.hostKeyAlias),
  };
  return {
    keys,
    sshd,
    target,
    async stop() {
      await stopMaster(target).catch(() => false);
      await sshd.stop();
    },
  };
}
