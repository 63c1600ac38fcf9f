/**
 * Guests of a remote libvirt host, reached through that host: the jump derived from a
 * `qemu+ssh://` URI (user, port, keyfile, known_hosts), quoted for ssh and the shell,
 * and used for real: a loopback "guest" sshd behind a loopback "libvirt host" sshd.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "pathe";
import { forwarderArgv } from "../../src/guest/forward-argv";
import { checkJumpHost, jumpHostFromUri, jumpOptions, proxyCommand } from "../../src/guest/jump";
import { guestRun } from "../../src/guest/session";
import { scpArgv, sshArgv } from "../../src/guest/ssh-argv";
import { sshConfigBlock } from "../../src/guest/ssh-config";
import type { JumpHost, SshTarget } from "../../src/guest/ssh-target";
import { type FakeGuest, type Sshd, startFakeGuest, startSshd, stopAllSshd } from "../support/sshd";

describe("jumpHostFromUri", () => {
  test("takes user, host, port, keyfile and known_hosts from an ssh URI", () => {
    expect(
      jumpHostFromUri(
        "qemu+ssh://admin@kvm.example:2222/system?keyfile=/k%20dir/id+x&no_verify=1&KNOWN_HOSTS=/kh",
      ),
    ).toEqual({
      host: "kvm.example",
      user: "admin",
      port: 2222,
      identityFile: "/k dir/id+x",
      knownHostsFile: "/kh",
    });
    expect(jumpHostFromUri("qemu+ssh://kvm/system")).toEqual({ host: "kvm" });
    expect(jumpHostFromUri("qemu+libssh2://u@[fd00::2]:22/system?keyfile=k;x=1")).toEqual({
      host: "fd00::2",
      user: "u",
      port: 22,
      identityFile: "k",
    });
  });

  test("no jump for local or non-ssh URIs", () => {
    for (const uri of [
      "qemu:///system",
      "qemu:///session",
      "qemu+tls://h/system",
      "qemu+ssh:///system",
    ]) {
      expect(jumpHostFromUri(uri)).toBeUndefined();
    }
  });
});

const base: SshTarget = {
  host: "192.168.122.10",
  user: "rum",
  keyPath: "/s/id_ed25519",
  knownHostsPath: "/s/known_hosts",
  hostKeyAlias: "rum-x-1",
  controlPath: "/s/ssh.sock",
};

describe("jump options", () => {
  test("[ssh] proxy_jump is ProxyJump as written; it wins over a derived jump", () => {
    const t = { ...base, proxyJump: "me@gw:2200", jumpHost: { host: "kvm" } };
    expect(jumpOptions(t, true)).toEqual([["ProxyJump", "me@gw:2200"]]);
    expect(sshArgv(t)).toContain("ProxyJump=me@gw:2200");
  });

  test("a derived jump is a strict ProxyCommand in ssh, scp, the forwarder and ssh-config", () => {
    const t = { ...base, jumpHost: { host: "kvm", user: "root", port: 2222 } };
    const cmd =
      "ssh -o 'StrictHostKeyChecking=yes' -o 'BatchMode=yes' -o 'ConnectTimeout=10' -p 2222 -l root -W '[%h]:%p' -- kvm";
    expect(proxyCommand(t.jumpHost, true)).toBe(cmd);
    expect(sshArgv(t, { batch: true })).toContain(`ProxyCommand=${cmd}`);
    expect(scpArgv(t, [{ side: "host", path: "a" }], { side: "guest", path: "b" })).toContain(
      `ProxyCommand=${cmd}`,
    );
    expect(forwarderArgv(t, [{ host: 8080, guest: 80, bind: "127.0.0.1" }])).toContain(
      `ProxyCommand=${cmd}`,
    );
    expect(sshConfigBlock("vm", t)).toContain(
      "  ProxyCommand ssh -o 'StrictHostKeyChecking=yes' -p 2222 -l root -W '[%h]:%p' -- kvm\n",
    );
    expect(sshArgv(t).join(" ")).not.toMatch(/StrictHostKeyChecking=no|-J/);
  });
});

describe("through a jump host, for real", () => {
  let tmp: string;
  let guest: FakeGuest;
  let jump: Sshd;
  let target: SshTarget;
  let knownHosts: string;

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), "rum-jump-"));
    // Blanks, quotes, `%` and `$` in the jump's key and known_hosts paths: each must survive
    // ssh's %-expansion, the shell that runs the ProxyCommand and the jump ssh's own parser.
    const odd = join(tmp, `it's "a" 100% $HOME`);
    await mkdir(odd, { recursive: true });
    const key = join(odd, "jump key");
    const hostKey = join(tmp, "jump_host_key");
    for (const f of [key, hostKey]) {
      Bun.spawnSync(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", f]);
    }
    guest = await startFakeGuest(join(tmp, "state", "rum-jump-1234abcd"));
    jump = await startSshd({
      hostKeyPath: hostKey,
      authorizedKeys: [(await readFile(`${key}.pub`, "utf8")).trim()],
      config: ["LogLevel DEBUG1"],
    });
    knownHosts = join(odd, "known hosts");
    const hostPub = (await readFile(`${hostKey}.pub`, "utf8")).trim();
    await writeFile(knownHosts, `[127.0.0.1]:${jump.port} ${hostPub}\n`);
    const uri = `qemu+ssh://${jump.user}@127.0.0.1:${jump.port}/system?keyfile=${encodeURIComponent(key)}&no_verify=1&known_hosts=${encodeURIComponent(knownHosts)}`;
    const jumpHost = jumpHostFromUri(uri);
    if (!jumpHost) throw new Error(`no jump from ${uri}`);
    target = { ...guest.target, jumpHost };
  });

  afterAll(async () => {
    await guest?.stop();
    await stopAllSshd();
    await rm(tmp, { recursive: true, force: true });
  });

  test("guestRun reaches the guest through the jump host (seen in the jump's log)", async () => {
    const r = await guestRun(target, ["echo", "via jump"], { timeoutMs: 20_000 });
    expect({ code: r.exitCode, out: r.stdout, err: r.stderr }).toEqual({
      code: 0,
      out: "via jump\n",
      err: "",
    });
    expect(jump.log()).toMatch(new RegExp(`target 127\\.0\\.0\\.1 port ${guest.sshd.port}`));
  });

  test("scp copies through the jump host", async () => {
    const src = join(tmp, "copied.txt");
    await writeFile(src, "over the jump\n");
    const argv = scpArgv(target, [{ side: "host", path: src }], {
      side: "guest",
      path: join(tmp, "arrived.txt"),
    });
    const r = Bun.spawnSync(argv, { stdin: "ignore" });
    expect({ code: r.exitCode, err: r.stderr.toString() }).toEqual({ code: 0, err: "" });
    expect(await readFile(join(tmp, "arrived.txt"), "utf8")).toBe("over the jump\n");
  });

  test("the ssh-config block works with plain `ssh -F`", async () => {
    await guest.stop().catch(() => undefined);
    guest = await startFakeGuest(join(tmp, "state", "rum-jump-1234abcd"));
    target = { ...guest.target, jumpHost: target.jumpHost };
    const file = join(tmp, "ssh_config");
    await writeFile(file, sshConfigBlock("jvm", target));
    const r = Bun.spawnSync(["ssh", "-F", file, "-o", "BatchMode=yes", "jvm", "echo", "ok"], {
      stdin: "ignore",
    });
    expect({ code: r.exitCode, out: r.stdout.toString(), err: r.stderr.toString() }).toEqual({
      code: 0,
      out: "ok\n",
      err: "",
    });
  });

  test("the jump check passes for a reachable host", async () => {
    await checkJumpHost(target.jumpHost as JumpHost);
  });

  test("an unknown jump host key is refused, never accepted or recorded", async () => {
    await writeFile(knownHosts, "");
    const fresh = { ...target, controlPath: join(tmp, "other.sock") };
    expect((await guestRun(fresh, ["true"], { timeoutMs: 20_000 })).exitCode).toBe(255);
    await expect(checkJumpHost(target.jumpHost as JumpHost)).rejects.toThrow(
      /cannot ssh to the libvirt host root@127\.0\.0\.1:\d+ .*Host key verification failed/,
    );
    expect(await readFile(knownHosts, "utf8")).toBe("");
  });
});
