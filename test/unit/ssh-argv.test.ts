import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "pathe";
import {
  parseCopyPath,
  type SshTarget,
  scpArgv,
  shellQuote,
  sshArgv,
} from "../../src/guest/ssh-argv";
import { controlPathFor, MAX_CONTROL_PATH_BYTES } from "../../src/guest/ssh-control-path";

const target: SshTarget = {
  host: "192.168.122.10",
  user: "rum",
  keyPath: "/state/rum-x/id_ed25519",
  knownHostsPath: "/state/rum-x/known_hosts",
  hostKeyAlias: "rum-x-1234abcd",
  controlPath: "/state/rum-x/ssh.sock",
};

/** Value of each `-o Key=value`, by key. */
function options(argv: string[]): Map<string, string> {
  const out = new Map<string, string>();
  argv.forEach((a, i) => {
    const next = argv[i + 1];
    if (a === "-o" && next)
      out.set(next.slice(0, next.indexOf("=")), next.slice(next.indexOf("=") + 1));
  });
  return out;
}

describe("sshArgv", () => {
  test("pins the host key and shares a master on every call", () => {
    const argv = sshArgv(target, { batch: true });
    expect(argv[0]).toBe("ssh");
    const o = options(argv);
    expect(Object.fromEntries(o)).toEqual({
      IdentityFile: "/state/rum-x/id_ed25519",
      IdentitiesOnly: "yes",
      UserKnownHostsFile: "/state/rum-x/known_hosts",
      GlobalKnownHostsFile: "/dev/null",
      HostKeyAlias: "rum-x-1234abcd",
      StrictHostKeyChecking: "yes",
      CheckHostIP: "no",
      ControlMaster: "auto",
      ControlPath: "/state/rum-x/ssh.sock",
      ControlPersist: "10m",
      ConnectTimeout: "5",
      ServerAliveInterval: "5",
      BatchMode: "yes",
      LogLevel: "ERROR",
    });
    expect(argv.slice(-3)).toEqual(["-p", "22", "rum@192.168.122.10"]);
    expect(argv).toContain("-T");
    expect(argv).not.toContain("-t");
    const text = argv.join(" ");
    expect(text).not.toContain("StrictHostKeyChecking=no");
    expect(text).not.toContain("UserKnownHostsFile=/dev/null");
  });

  test("tty, port, jump host, extra args, ssh command prefix and the quoted command", () => {
    const argv = sshArgv(
      { ...target, port: 2222, proxyJump: "me@libvirt-host", sshCommand: " kitty  +kitten ssh " },
      { tty: true, extra: ["-L", "8080:localhost:80"], command: ["ls", "-la", "my dir"] },
    );
    expect(argv.slice(0, 3)).toEqual(["kitty", "+kitten", "ssh"]);
    expect(argv).toContain("-t");
    expect(argv).not.toContain("-T");
    expect(options(argv).has("BatchMode")).toBe(false);
    expect(options(argv).get("ProxyJump")).toBe("me@libvirt-host");
    expect(argv.slice(-7)).toEqual([
      "-p",
      "2222",
      "rum@192.168.122.10",
      "-L",
      "8080:localhost:80",
      "--",
      "ls -la 'my dir'",
    ]);
  });

  test("paths with blanks, quotes and % survive ssh's own option parsing (ssh -G)", () => {
    const argv = sshArgv({
      ...target,
      keyPath: "/a b/100%/id",
      knownHostsPath: '/a b/say "hi"/known_hosts',
      controlPath: "/a b/%h.sock",
    });
    const resolved = Bun.spawnSync(["ssh", "-G", ...argv.slice(1)], { stdin: "ignore" });
    expect(resolved.exitCode).toBe(0);
    const lines = resolved.stdout.toString().split("\n");
    expect(lines).toContain('userknownhostsfile /a b/say "hi"/known_hosts');
    expect(lines).toContain("controlpath /a b/%h.sock");
    // -G shows identity files before their %-expansion, which turns %% into %.
    expect(lines).toContain("identityfile /a b/100%%/id");
    expect(lines).toContain("stricthostkeychecking true");
    expect(lines).toContain("hostkeyalias rum-x-1234abcd");
  });

  test("rejects a user or host that ssh would read as an option", () => {
    expect(() => sshArgv({ ...target, user: "-oProxyCommand=x" })).toThrow(/invalid ssh user/);
    expect(() => sshArgv({ ...target, host: "-x" })).toThrow(/invalid ssh host/);
  });
});

describe("shellQuote", () => {
  const nasty = [
    "a b",
    '"c"',
    "it's",
    "$(x)",
    "*",
    "",
    "a=b",
    "~",
    "tab\there",
    "new\nline",
    "\\",
    "-n",
    "ü",
  ];
  test("a POSIX shell splits the quoted text back into exactly the same arguments", () => {
    const script = `printf '%s\\0' ${shellQuote(nasty)}`;
    const out = Bun.spawnSync(["sh", "-c", script]).stdout.toString();
    expect(out.split("\0").slice(0, -1)).toEqual(nasty);
  });
  test("leaves plain words readable", () => {
    expect(shellQuote(["ls", "-la", "/tmp/x.y", "a,b:c@d"])).toBe("ls -la /tmp/x.y a,b:c@d");
  });
});

describe("scpArgv", () => {
  test("shares the connection options, uses -P, brackets IPv6, keeps local colons local", () => {
    const argv = scpArgv(
      { ...target, host: "fd00::5", port: 2200 },
      [parseCopyPath("notes:v2.txt"), parseCopyPath("/abs/x:y")],
      parseCopyPath(":/srv/in box/"),
      { recursive: true },
    );
    expect(argv[0]).toBe("scp");
    expect(options(argv).get("StrictHostKeyChecking")).toBe("yes");
    expect(options(argv).get("ControlPath")).toBe(target.controlPath);
    expect(argv).toContain("-r");
    expect(argv.slice(-6)).toEqual([
      "-P",
      "2200",
      "--",
      "./notes:v2.txt",
      "/abs/x:y",
      "rum@[fd00::5]:/srv/in box/",
    ]);
  });
});

describe("controlPathFor", () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), "rum-cp-"));
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  test("uses <stateDir>/ssh.sock when it fits", () => {
    expect(controlPathFor(join(tmp, "rum-a"), "rum-a")).toBe(join(tmp, "rum-a", "ssh.sock"));
  });

  test("falls back to a private /tmp/rum-<uid>/ dir for long state paths", () => {
    const longDir = join(tmp, "x".repeat(MAX_CONTROL_PATH_BYTES));
    const path = controlPathFor(longDir, "rum-long-1234abcd");
    const uid = process.getuid?.() ?? 0;
    const hash = new Bun.CryptoHasher("sha256").update("rum-long-1234abcd").digest("hex");
    expect(path).toBe(`/tmp/rum-${uid}/${hash.slice(0, 16)}.sock`);
    expect(Buffer.byteLength(path)).toBeLessThanOrEqual(MAX_CONTROL_PATH_BYTES);
    const dir = statSync(`/tmp/rum-${uid}`);
    expect(dir.mode & 0o777).toBe(0o700);
    expect(dir.uid).toBe(uid);
    // Different VMs, different sockets.
    expect(controlPathFor(longDir, "rum-other")).not.toBe(path);
  });

  test("the limit is exactly 90 bytes, counted in bytes, not characters", () => {
    // A state dir `<tmp>/<name>` whose `<dir>/ssh.sock` is `bytes` long.
    const fill = (bytes: number, char: string) => {
      const nameBytes = bytes - Buffer.byteLength(`${tmp}//ssh.sock`);
      return join(tmp, char.repeat(nameBytes / Buffer.byteLength(char)));
    };
    const at90 = fill(90, "a");
    expect(controlPathFor(at90, "rum-b")).toBe(join(at90, "ssh.sock"));
    expect(controlPathFor(fill(92, "a"), "rum-b")).toStartWith(`/tmp/rum-${process.getuid?.()}/`);
    // 46 two-byte characters: short in characters, too long in bytes.
    const wide = fill(92, "é");
    expect(join(wide, "ssh.sock").length).toBeLessThan(90);
    expect(controlPathFor(wide, "rum-b")).toStartWith(`/tmp/rum-${process.getuid?.()}/`);
  });
});
