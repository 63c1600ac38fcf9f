// The way users arrive: a normal user (not root, no sudo, uid 2345 — not the
// guest's default 1000), in the `libvirt` group only, gets rum from install.sh
// into ~/.local/bin and runs a VM whose project folder sits in their 0700 home
// and is the default share. One guest, booted once, carries every check.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { lstatSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "pathe";
import { fileDigest, type ImageServer, startImageServer, utf8 } from "../support/http-server";
import {
  Bed,
  collect,
  guestToml,
  ROOT,
  RUM,
  type RumResult,
  testImage,
  virsh,
  vmHostReady,
} from "./harness";

const ready = vmHostReady();
const USER = "rum-e2e-user";
const ID = 2345;
const HOME = `/home/${USER}`;
const PROJECT = join(HOME, "proj");
const NAME = "userbox";

/** Run argv as the user, with a login-like environment and nothing of root's. */
function asUser(argv: string[], opts: { cwd?: string; stdin?: string } = {}): Promise<RumResult> {
  const env = [
    `HOME=${HOME}`,
    `USER=${USER}`,
    `LOGNAME=${USER}`,
    `PATH=${HOME}/.local/bin:/usr/local/bin:/usr/bin:/bin`,
    "LANG=C.UTF-8",
    "NO_COLOR=1",
  ];
  return collect(["runuser", "-u", USER, "--", "env", "-i", ...env, ...argv], {
    cwd: opts.cwd ?? HOME,
    ...(opts.stdin === undefined ? {} : { stdin: opts.stdin }),
  });
}

const rum = (...args: string[]) => asUser(["rum", ...args], { cwd: PROJECT });
const sh = (argv: string[]) => Bun.spawnSync(argv, { stdout: "pipe", stderr: "pipe" });

/** libvirt objects named after this VM: domain, its volumes, its console log. */
function leftovers(): string[] {
  const domains = virsh("list", "--all", "--name").out.split("\n");
  const vols = ["rum", "rum-logs"].flatMap((pool) =>
    virsh("vol-list", "--pool", pool)
      .out.split("\n")
      .map((l) => `${pool}/${l.trim().split(/\s+/)[0]}`),
  );
  return [...domains, ...vols].filter((n) => n.includes(`rum-${NAME}-`));
}

/** A TCP port nothing listens on right now. */
async function freePort(): Promise<number> {
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const { port } = probe;
  probe.stop(true);
  return port;
}

/** The first bytes a TCP server at 127.0.0.1:port sends (an SSH banner, here). */
async function banner(port: number): Promise<string> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(""), 5000);
    Bun.connect({
      hostname: "127.0.0.1",
      port,
      socket: {
        data(sock, data) {
          clearTimeout(timer);
          sock.end();
          resolve(data.toString());
        },
        connectError() {
          clearTimeout(timer);
          resolve("");
        },
      },
    }).catch(() => resolve(""));
  });
}

const lines = (text: string) => text.trim().split("\n").filter(Boolean).length;

describe.skipIf(!ready)("a normal user, from install.sh to destroy", () => {
  const bed = new Bed();
  let release: ImageServer;
  let forwardPort = 0;

  beforeAll(async () => {
    // What the suite needs, it makes: the host set up the way users do it.
    const fix = sh([RUM, "doctor", "--fix", "--yes"]);
    expect({ code: fix.exitCode, err: fix.stderr.toString() }).toMatchObject({ code: 0 });
    sh(["userdel", "-r", USER]);
    const add = sh(["useradd", "-m", "-u", `${ID}`, "-U", "-G", "libvirt", "-s", "/bin/sh", USER]);
    expect(add.stderr.toString()).toBe("");
    sh(["chmod", "0700", HOME]);
    const bin = join(ROOT, "dist", "rum-linux-x64");
    release = await startImageServer({
      files: {
        "/rel/rum-linux-x64": bin,
        "/rel/SHA256SUMS": utf8(`${await fileDigest(bin, "sha256")}  rum-linux-x64\n`),
      },
    });
    const image = await bed.serveImage(testImage());
    expect((await asUser(["mkdir", PROJECT])).code).toBe(0);
    forwardPort = await freePort();
    const toml = guestToml(NAME, image, {
      extra: `[[mounts]]
source = "."
target = "/home/rum/proj"
default = true
[provision.system]
script = "echo system >> /var/tmp/system-runs"
[provision.boot]
script = "echo boot >> /var/tmp/boot-runs"
[[ports]]
host = ${forwardPort}
guest = 22
[ssh]
command = "${PROJECT}/ssh-wrap"
`,
    });
    await asUser(["sh", "-c", 'cat > rum.toml && echo "from the host" > hello.txt'], {
      cwd: PROJECT,
      stdin: toml,
    });
    // `[ssh] command`: the client `rum ssh` runs; this one leaves a mark, then is plain ssh.
    const wrap = '#!/bin/sh\necho "$@" >> "$(dirname "$0")/ssh-wrap.log"\nexec ssh "$@"\n';
    await asUser(["sh", "-c", "cat > ssh-wrap && chmod +x ssh-wrap"], {
      cwd: PROJECT,
      stdin: wrap,
    });
  });

  afterAll(async () => {
    if (leftovers().length > 0) await rum("destroy", "--yes");
    for (const d of leftovers().filter((n) => !n.includes("/"))) {
      virsh("destroy", d);
      virsh("undefine", "--nvram", d);
    }
    for (const v of leftovers().filter((n) => n.includes("/"))) {
      const [pool, vol] = v.split("/") as [string, string];
      virsh("vol-delete", "--pool", pool, vol);
    }
    sh(["pkill", "-u", USER]);
    sh(["userdel", "-r", USER]);
    await release?.stop();
    await bed.cleanup();
  });

  test("install.sh, piped to sh as the user, puts rum in ~/.local/bin (made for it)", async () => {
    const script = readFileSync(join(ROOT, "install.sh"), "utf8");
    const r = await asUser(["env", `RUM_INSTALL_BASE_URL=${release.url}/rel`, "sh"], {
      stdin: script,
    });
    expect(r.stderr + r.stdout).toContain(".local/bin/rum");
    expect(r.code).toBe(0);
    expect(statSync(join(HOME, ".local/bin/rum")).uid).toBe(ID);
    expect((await asUser(["rum", "--version"])).code).toBe(0);
  });

  test("rum doctor passes for the user's rum.toml (no sudo, not root)", async () => {
    const r = await rum("doctor");
    expect(r.stdout).toContain("this host can run rum VMs");
    expect(r.code).toBe(0);
  });

  test("rum up -d boots the VM; the image cache is in the private home", async () => {
    const r = await rum("up", "-d");
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.code).toBe(0);
    const cache = sh(["find", join(HOME, ".cache/rum"), "-name", "*.qcow2"]).stdout.toString();
    expect(cache).toContain(HOME);
    expect(statSync(HOME).mode & 0o777).toBe(0o700);
  });

  test("what rum up wrote for the VM: 0600 files in 0700 folders (public keys may be 0644)", () => {
    const wrong: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        const st = lstatSync(path);
        const mode = st.mode & 0o777;
        if (st.isDirectory()) {
          if (mode !== 0o700) wrong.push(`${path} ${mode.toString(8)}`);
          walk(path);
        } else if (st.isFile()) {
          const ok = mode === 0o600 || (name.endsWith(".pub") && mode === 0o644);
          if (!ok) wrong.push(`${path} ${mode.toString(8)}`);
        }
        if (st.uid !== ID) wrong.push(`${path} owned by ${st.uid}`);
      }
    };
    walk(join(HOME, ".local/share/rum"));
    expect(wrong).toEqual([]);
    // The image cache holds no secret, but nobody else may change what rum will boot.
    const writable = sh(["find", join(HOME, ".cache/rum"), "-perm", "/022"]).stdout.toString();
    expect(writable).toBe("");
  });

  test("exec reads a host file through the default share", async () => {
    const r = await rum("exec", "--", "cat", "hello.txt");
    expect(r.stdout).toBe("from the host\n");
    expect(r.code).toBe(0);
  });

  test("the guest user has the host user's uid and gid; what it writes is the user's", async () => {
    const ids = await rum("exec", "--", "sh", "-c", 'echo "$(id -u) $(id -g)"');
    expect(ids.stdout.trim()).toBe(`${ID} ${ID}`);
    expect((await rum("exec", "--", "sh", "-c", "echo guest > from-guest.txt")).code).toBe(0);
    const st = statSync(join(PROJECT, "from-guest.txt"));
    expect({ uid: st.uid, gid: st.gid }).toEqual({ uid: ID, gid: ID });
    expect(readFileSync(join(PROJECT, "from-guest.txt"), "utf8")).toBe("guest\n");
  });

  test("ssh-config works with plain ssh run by the user", async () => {
    const cfg = await rum("ssh-config");
    expect(cfg.code).toBe(0);
    await asUser(["sh", "-c", "cat > ssh_config"], { cwd: PROJECT, stdin: cfg.stdout });
    const r = await asUser(["ssh", "-F", "ssh_config", "-o", "BatchMode=yes", NAME, "hostname"], {
      cwd: PROJECT,
    });
    expect(r.stdout.trim()).toBe(NAME);
    expect(r.code).toBe(0);
  });

  test("rum log --console shows the boot to a libvirt-group user", async () => {
    const r = await rum("log", "--console");
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("Debian");
    expect(r.code).toBe(0);
  });

  // Documented behaviour, each proved on this one guest.
  test("rum ssh -- CMD runs it through [ssh] command; the exit code is the guest's", async () => {
    const r = await rum("ssh", "--", "hostname");
    expect(r.stdout.trim()).toBe(NAME);
    expect((await rum("ssh", "--", "exit", "7")).code).toBe(7);
    expect(readFileSync(join(PROJECT, "ssh-wrap.log"), "utf8")).toContain("hostname");
  });

  test("rum provision --system runs the system script again; --boot the boot script", async () => {
    const count = async (f: string) => lines((await rum("exec", "--", "cat", f)).stdout);
    expect(await count("/var/tmp/system-runs")).toBe(1);
    const boots = await count("/var/tmp/boot-runs");
    expect((await rum("provision", "--system")).code).toBe(0);
    expect(await count("/var/tmp/system-runs")).toBe(2);
    expect((await rum("provision", "--boot")).code).toBe(0);
    expect(await count("/var/tmp/boot-runs")).toBe(boots + 1);
  });

  test("rum log --rum and --all; rum log -f --console keeps printing", async () => {
    expect((await rum("log", "--rum")).stdout).toContain("starting VM");
    const all = await rum("log", "--all");
    expect(all.stdout).toContain("Debian");
    expect(all.stdout).toContain("==> system provisioning");
    expect(all.stdout).toContain("starting VM");
    const env = [`HOME=${HOME}`, `PATH=${HOME}/.local/bin:/usr/bin:/bin`];
    const follow = Bun.spawn(
      ["runuser", "-u", USER, "--", "env", "-i", ...env, "rum", "log", "-f", "--console"],
      { cwd: PROJECT, stdout: "pipe", stderr: "pipe", stdin: "ignore" },
    );
    const text = new Response(follow.stdout).text();
    await Bun.sleep(3000);
    expect(follow.exitCode).toBeNull(); // still following
    follow.kill("SIGTERM");
    await follow.exited;
    expect(await text).toContain("Debian");
  });

  test("a [[ports]] forward answers on 127.0.0.1; rum status restarts a killed forwarder", async () => {
    expect(await banner(forwardPort)).toStartWith("SSH-2.0");
    const before = JSON.parse((await rum("status", "--json")).stdout).forwards;
    expect(before.running).toBe(true);
    process.kill(before.pid, "SIGKILL");
    await Bun.sleep(500);
    expect(await banner(forwardPort)).toBe("");
    const after = JSON.parse((await rum("status", "--json")).stdout).forwards;
    expect(after.running).toBe(true);
    expect(after.pid).not.toBe(before.pid);
    expect(await banner(forwardPort)).toStartWith("SSH-2.0");
  });

  test("[provision.boot] also runs on a reboot rum did not start", async () => {
    const count = async () => lines((await rum("exec", "--", "cat", "/var/tmp/boot-runs")).stdout);
    const before = await count();
    await rum("exec", "--", "sudo", "systemctl", "reboot");
    let now = before;
    for (let i = 0; i < 120 && now <= before; i++) {
      await Bun.sleep(3000);
      now = await count().catch(() => before);
    }
    expect(now).toBe(before + 1);
    expect(lines((await rum("exec", "--", "cat", "/var/tmp/system-runs")).stdout)).toBe(2);
  });

  // What users repeat: the same rum.toml forced off and reset, destroyed and brought up again.
  // The MAC derives from the name, so each new instance finds the last one's lease in
  // libvirt's table (new machine id, new DHCP client id); rum must not wait on it.
  const upWithinNormalTime = async (...args: string[]) => {
    const t0 = Date.now();
    const r = await rum("up", "-d", ...args);
    expect({ code: r.code, err: r.code ? r.stderr : "" }).toEqual({ code: 0, err: "" });
    const took = (Date.now() - t0) / 1000;
    console.log(`rum up -d ${args.join(" ")}: ready in ${took.toFixed(0)} s`);
    // A wait on the stale address ends only with the 600 s SSH timeout (and exit 1).
    expect(took).toBeLessThan(540);
    expect((await rum("exec", "--", "cat", "hello.txt")).stdout).toBe("from the host\n");
    return r.stderr;
  };

  test("rum down --force, then rum up --reset: ready again on a fresh first boot", async () => {
    expect((await rum("down", "--force")).code).toBe(0);
    await upWithinNormalTime("--reset");
  });

  test("rum down --timeout on a guest that ignores ACPI: forced off when the time is up", async () => {
    const ignore =
      "mkdir -p /etc/systemd/logind.conf.d && printf '[Login]\\nHandlePowerKey=ignore\\n' > /etc/systemd/logind.conf.d/ignore.conf && systemctl restart systemd-logind";
    expect((await rum("exec", "--", "sudo", "sh", "-c", ignore)).code).toBe(0);
    const t0 = Date.now();
    const r = await rum("down", "--timeout", "5");
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("did not power off within 5s; forcing it off");
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(JSON.parse((await rum("status", "--json")).stdout).state).toBe("shut off");
  });

  test("rum destroy --yes (then --force) && rum up -d, twice in a row, with the old leases still there", async () => {
    for (const yes of ["--yes", "--force"]) {
      expect((await rum("destroy", yes)).code).toBe(0);
      await upWithinNormalTime();
    }
    const status = JSON.parse((await rum("status", "--json")).stdout);
    const mac = status.interfaces[0].mac;
    const leases = virsh("net-dhcp-leases", "default", "--mac", mac).out;
    expect(leases.match(/ipv4/g)?.length ?? 0).toBeGreaterThanOrEqual(2);
  });

  test("rum down, then rum destroy --yes leaves nothing in libvirt or the home", async () => {
    expect((await rum("down")).code).toBe(0);
    expect(virsh("domstate", leftovers()[0] ?? "none").out.trim()).toBe("shut off");
    const gone = await rum("destroy", "--yes");
    expect(gone.code).toBe(0);
    expect(leftovers()).toEqual([]);
    const state = sh(["find", HOME, "-path", "*rum*", "-name", "state.json"]).stdout.toString();
    expect(state).toBe("");
  });
});
