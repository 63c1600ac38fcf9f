/**
 * The forwarder's ssh command line, its identity hash, and the messages built from
 * ssh's log and from `ss` output. Pure: no process is started.
 */
import { describe, expect, test } from "bun:test";
import {
  forwarderArgv,
  forwarderHash,
  forwardSpec,
  type PortForward,
} from "../../src/guest/forward-argv";
import { forwardFailure } from "../../src/guest/forward-log";
import { parseSsOwners } from "../../src/guest/forward-ports";
import { connectionOptions, type SshTarget } from "../../src/guest/ssh-argv";

const target: SshTarget = {
  host: "192.168.122.10",
  user: "rum",
  keyPath: "/state/rum-x/id_ed25519",
  knownHostsPath: "/state/rum-x/known_hosts",
  hostKeyAlias: "rum-x-1234abcd",
  controlPath: "/state/rum-x/ssh.sock",
  sshCommand: "kitty +kitten ssh",
};
const web: PortForward = { host: 8080, guest: 80, bind: "127.0.0.1" };

/** Every `-o` value, in order. */
function options(argv: string[]): string[] {
  return argv.flatMap((a, i) => (a === "-o" ? [argv[i + 1] as string] : []));
}

describe("forwarderArgv", () => {
  test("pins the guest like every rum connection, but never uses the shared master", () => {
    const argv = forwarderArgv(target, [web]);
    expect(argv[0]).toBe("ssh");
    const o = options(argv);
    const pinned = options(connectionOptions(target, true)).filter((v) => !v.startsWith("Control"));
    expect(pinned).toContain("BatchMode=yes");
    expect(pinned).toContain("StrictHostKeyChecking=yes");
    for (const p of pinned) expect(o).toContain(p);
    expect(o.filter((v) => v.startsWith("Control"))).toEqual([
      "ControlMaster=no",
      "ControlPath=none",
    ]);
    expect(o).toContain("ExitOnForwardFailure=yes");
    expect(o).toContain("ServerAliveInterval=5");
    expect(o).toContain("ServerAliveCountMax=3");
    expect(argv).toContain("-N");
    expect(argv.slice(-3)).toEqual(["-L", "127.0.0.1:8080:127.0.0.1:80", "rum@192.168.122.10"]);
  });

  test("one -L per port; localhost is the IPv4 loopback; IPv6 binds in brackets", () => {
    const argv = forwarderArgv({ ...target, port: 2222 }, [
      web,
      { host: 8443, guest: 443, bind: "0.0.0.0" },
      { host: 5432, guest: 5432, bind: "localhost" },
      { host: 9000, guest: 9000, bind: "::1" },
    ]);
    expect(argv.filter((_a, i) => argv[i - 1] === "-L")).toEqual([
      "127.0.0.1:8080:127.0.0.1:80",
      "0.0.0.0:8443:127.0.0.1:443",
      "127.0.0.1:5432:127.0.0.1:5432",
      "[::1]:9000:127.0.0.1:9000",
    ]);
    expect(argv[argv.indexOf("-p") + 1]).toBe("2222");
    expect(forwardSpec({ host: 1, guest: 2, bind: "::" })).toBe("[::]:1:127.0.0.1:2");
  });

  test("a jump host is passed on (ProxyJump as written, ProxyCommand for a libvirt host)", () => {
    const argv = forwarderArgv({ ...target, proxyJump: "me@libvirt-host" }, [web]);
    expect(argv).toContain("ProxyJump=me@libvirt-host");
    const derived = forwarderArgv({ ...target, jumpHost: { host: "kvm", port: 2222 } }, [web]);
    expect(derived.find((a) => a.startsWith("ProxyCommand="))).toContain(
      "-p 2222 -W '[%h]:%p' -- kvm",
    );
  });

  test("the hash changes with ports, bind, address and keys, and only then", () => {
    const base = forwarderHash(forwarderArgv(target, [web]));
    expect(forwarderHash(forwarderArgv(target, [{ ...web }]))).toBe(base);
    const variants = [
      forwarderArgv(target, [{ ...web, host: 8081 }]),
      forwarderArgv(target, [{ ...web, guest: 81 }]),
      forwarderArgv(target, [{ ...web, bind: "0.0.0.0" }]),
      forwarderArgv(target, [web, { host: 9, guest: 9, bind: "127.0.0.1" }]),
      forwarderArgv({ ...target, host: "192.168.122.11" }, [web]),
      forwarderArgv({ ...target, keyPath: "/elsewhere/id" }, [web]),
    ];
    const hashes = new Set(variants.map(forwarderHash));
    expect(hashes.size).toBe(variants.length);
    expect(hashes.has(base)).toBe(false);
  });
});

describe("forwardFailure", () => {
  const ports: PortForward[] = [web, { host: 8443, guest: 443, bind: "0.0.0.0" }];

  test("names the port ssh could not listen on", () => {
    const log = [
      "bind [0.0.0.0]:8443: Address already in use",
      "channel_setup_fwd_listener_tcpip: cannot listen to port: 8443",
      "Could not request local forwarding.",
    ].join("\n");
    const e = forwardFailure(ports, log, "/s/logs/forwards.log", "ssh exited");
    expect(e.message).toBe("port 8443 on 0.0.0.0 could not be forwarded: Address already in use");
    expect(e.hint).toContain("[[ports]] host");
    expect(e.details).toContain("Could not request local forwarding.");
    expect(e.exitCode).toBe(1);
  });

  test("an ssh failure names every port, ssh's words and the log", () => {
    const e = forwardFailure(
      ports,
      "rum@192.168.122.10: Permission denied (publickey).",
      "/s/logs/forwards.log",
      "ssh exited",
    );
    expect(e.message).toBe("ports 127.0.0.1:8080, 0.0.0.0:8443 could not be forwarded: ssh exited");
    expect(e.details).toEqual(["rum@192.168.122.10: Permission denied (publickey)."]);
    expect(e.hint).toBe("see /s/logs/forwards.log");
  });
});

describe("parseSsOwners", () => {
  test("reads each listening process once", () => {
    const text = [
      'LISTEN 0 511 0.0.0.0:8080 0.0.0.0:* users:(("nginx",pid=120,fd=6),("nginx",pid=121,fd=6))',
      'LISTEN 0 511    [::]:8080    [::]:* users:(("nginx",pid=120,fd=7))',
      'LISTEN 0 128 127.0.0.1:8080 0.0.0.0:* users:(("my \\"app\\"",pid=7,fd=3))',
    ].join("\n");
    expect(parseSsOwners(text)).toEqual([
      { pid: 120, name: "nginx" },
      { pid: 121, name: "nginx" },
      { pid: 7, name: 'my \\"app\\"' },
    ]);
  });

  test("without process info (another user's socket) there is no owner", () => {
    expect(parseSsOwners("LISTEN 0 128 127.0.0.1:8080 0.0.0.0:*")).toEqual([]);
  });
});
