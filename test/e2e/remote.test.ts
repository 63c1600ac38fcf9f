/**
 * The same rum.toml against a "remote" libvirt host: a qemu+ssh:// URI to a throw-away root
 * sshd on loopback, with the URI's own keyfile and known_hosts. A virsh wrapper first on
 * PATH refuses any call that does not name a qemu+ssh:// URI and logs the others, so the
 * test proves that every libvirt call went over the remote URI; the sshd's debug log proves
 * that guest SSH went through the jump host. One full boot plus one --no-wait boot.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "pathe";
import { type Sshd, startSshd } from "../support/sshd";
import { Bed, guestToml, testImage, vmHostReady } from "./harness";

setDefaultTimeout(20 * 60_000);
const ready = vmHostReady();

const WRAPPER = `#!/bin/bash
# Every libvirt call must name a qemu+ssh:// URI; log each one (tab-separated argv).
uri=""
prev=""
for a in "$@"; do
  if [ "$prev" = "-c" ] || [ "$prev" = "--connect" ]; then uri="$a"; fi
  prev="$a"
done
line=$(printf '%s\\t' "$@")
case "$uri" in
  qemu+ssh://*)
    echo "ok	$line" >> "$RUM_TEST_VIRSH_LOG"
    exec /usr/bin/virsh "$@" ;;
  *)
    echo "refused	$line" >> "$RUM_TEST_VIRSH_LOG"
    echo "virsh wrapper: refused, no qemu+ssh:// URI in: $*" >&2
    exit 1 ;;
esac
`;

/** The known_hosts that libvirt's own ssh (no_verify=1) writes to: the passwd home's, not $HOME's. */
function passwdKnownHosts(): string {
  const user = Bun.spawnSync(["id", "-un"]).stdout.toString().trim();
  const home = Bun.spawnSync(["getent", "passwd", user]).stdout.toString().split(":")[5] ?? "";
  return join(home.trim(), ".ssh", "known_hosts");
}

describe.skipIf(!ready)("a VM on a remote libvirt host (qemu+ssh://)", () => {
  const bed = new Bed();
  const virshLog = join(bed.home, "virsh.log");
  const userKnownHosts = passwdKnownHosts();
  const hadKnownHosts = existsSync(userKnownHosts);
  const hadOld = existsSync(`${userKnownHosts}.old`);
  let sshd: Sshd | undefined;
  let uri = "";
  let dirA = "";
  let dirB = "";

  const calls = () =>
    existsSync(virshLog)
      ? readFileSync(virshLog, "utf8")
          .split("\n")
          .filter(Boolean)
          .map((l) => l.split("\t").filter(Boolean))
      : [];
  /** How many guest SSH connections the jump host has forwarded to this address. */
  const forwardedTo = (ip: string) => (sshd?.log() ?? "").split(`target ${ip} port 22`).length - 1;

  beforeAll(async () => {
    const jumpDir = join(bed.home, "libvirt-host");
    mkdirSync(jumpDir, { recursive: true });
    const key = join(jumpDir, "id_ed25519");
    const hostKey = join(jumpDir, "host_ed25519");
    for (const f of [key, hostKey]) {
      Bun.spawnSync(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", f]);
    }
    sshd = await startSshd({
      hostKeyPath: hostKey,
      authorizedKeys: [readFileSync(`${key}.pub`, "utf8").trim()],
      // DEBUG1 logs each forwarded channel ("target <ip> port 22"): the proof of the jump.
      config: ["LogLevel DEBUG1"],
    });
    const knownHosts = join(jumpDir, "known_hosts");
    writeFileSync(knownHosts, `[127.0.0.1]:${sshd.port} ${readFileSync(`${hostKey}.pub`, "utf8")}`);
    uri = `qemu+ssh://root@127.0.0.1:${sshd.port}/system?keyfile=${encodeURIComponent(key)}&no_verify=1&known_hosts=${encodeURIComponent(knownHosts)}`;

    const bin = join(bed.home, "bin");
    mkdirSync(bin);
    writeFileSync(join(bin, "virsh"), WRAPPER);
    chmodSync(join(bin, "virsh"), 0o755);
    bed.env.PATH = `${bin}:${bed.env.PATH}`;
    bed.env.RUM_TEST_VIRSH_LOG = virshLog;

    const { url, sha256 } = await bed.serveImage(testImage());
    dirA = bed.project(
      "remote-a",
      guestToml("far", { url, sha256 }, { advanced: `libvirt_uri = "${uri}"\n` }),
    );
    dirB = bed.project(
      "remote-b",
      guestToml("far2", { url, sha256 }, { advanced: `libvirt_uri = "${uri}"\n` }),
    );
  });

  afterAll(async () => {
    await bed.cleanup();
    await sshd?.stop();
    // libvirt's ssh (no_verify=1) recorded the test server's key: take exactly that back out.
    if (sshd && existsSync(userKnownHosts)) {
      Bun.spawnSync(["ssh-keygen", "-R", `[127.0.0.1]:${sshd.port}`, "-f", userKnownHosts], {
        stdout: "ignore",
        stderr: "ignore",
      });
      if (!hadOld) rmSync(`${userKnownHosts}.old`, { force: true });
      if (!hadKnownHosts && readFileSync(userKnownHosts, "utf8").trim() === "") {
        rmSync(userKnownHosts, { force: true });
      }
    }
  });

  test("up -d boots it over the remote URI and waits for SSH through the libvirt host", async () => {
    const r = await bed.rum(["up", "-d"], { cwd: dirA });
    expect(r.stderr).toContain(`waiting for SSH login on`);
    expect(r.stderr).toContain(`through root@127.0.0.1:${sshd?.port}`);
    expect(r.stderr).not.toContain("waiting for SSH port");
    expect(r.code).toBe(0);
  });

  test("exec runs in the guest, through the jump host", async () => {
    const r = await bed.rum(["exec", "--", "hostname"], { cwd: dirA });
    expect({ code: r.code, out: r.stdout.trim() }).toEqual({ code: 0, out: "far" });
    const s = JSON.parse((await bed.rum(["status", "--json"], { cwd: dirA })).stdout);
    expect(s.uri).toBe(uri);
    expect(forwardedTo(s.ssh.address)).toBeGreaterThan(0);
  });

  test("ssh-config carries the jump and works with plain `ssh -F` (no master)", async () => {
    const r = await bed.rum(["ssh-config"], { cwd: dirA });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ {2}ProxyCommand ssh .*-W '\[%h\]:%p' -- 127\.0\.0\.1$/m);
    expect(r.stdout).not.toMatch(/StrictHostKeyChecking\W+no/i);
    const file = join(bed.home, "ssh_config");
    writeFileSync(file, r.stdout);
    // Close the master rum left, so this login is a new connection through the jump.
    Bun.spawnSync(["ssh", "-F", file, "-O", "exit", "far"], { stderr: "ignore" });
    const ip = JSON.parse((await bed.rum(["status", "--json"], { cwd: dirA })).stdout).ssh.address;
    const before = forwardedTo(ip);
    const ssh = Bun.spawnSync(["ssh", "-F", file, "-o", "BatchMode=yes", "far", "hostname"], {
      stdin: "ignore",
      env: bed.env,
    });
    expect({ code: ssh.exitCode, out: ssh.stdout.toString().trim() }).toEqual({
      code: 0,
      out: "far",
    });
    // The sshd's log is read as it streams in: give it a moment to arrive.
    for (let i = 0; i < 50 && forwardedTo(ip) === before; i++) await Bun.sleep(100);
    expect(forwardedTo(ip)).toBe(before + 1);
  });

  test("status --all lists it; log --console reads the remote console log", async () => {
    const all = JSON.parse((await bed.rum(["status", "--all", "--json"], { cwd: dirA })).stdout);
    expect(all.uri).toBe(uri);
    expect(all.vms.map((v: { name: string; state: string }) => [v.name, v.state])).toContainEqual([
      "far",
      "running",
    ]);
    const log = await bed.rum(["log", "--console"], { cwd: dirA });
    expect(log.code).toBe(0);
    expect(log.stdout).toContain("Debian");
  });

  test("a second VM of the same image reuses the uploaded base volume", async () => {
    const up = await bed.rum(["up", "-d", "--no-wait"], { cwd: dirB });
    expect(up.code).toBe(0);
    expect(up.stderr).not.toContain("importing base image");
    const gone = await bed.rum(["destroy", "--yes"], { cwd: dirB });
    expect(gone.code).toBe(0);
    const baseUploads = calls().filter(
      (c) => c.includes("vol-upload") && c.some((a) => a.startsWith("base-")),
    );
    expect(baseUploads.length).toBe(1);
  });

  test("down, snapshots (save, list, restore, delete) and destroy over the remote URI", async () => {
    expect((await bed.rum(["down"], { cwd: dirA })).code).toBe(0);
    const status = JSON.parse((await bed.rum(["status", "--json"], { cwd: dirA })).stdout);
    expect(status.state).toBe("shut off");
    const copies = () => bed.volumes().filter((v) => v.startsWith(`${status.domain}-snap-`));
    expect((await bed.rum(["snapshot", "save", "s1"], { cwd: dirA })).code).toBe(0);
    const list = JSON.parse((await bed.rum(["snapshot", "list", "--json"], { cwd: dirA })).stdout);
    expect(list.map((x: { name: string }) => x.name)).toEqual(["s1"]);
    expect(Number.isNaN(Date.parse(list[0].createdAt))).toBe(false);
    expect(copies().length).toBeGreaterThan(0);
    expect((await bed.rum(["snapshot", "restore", "s1", "--yes"], { cwd: dirA })).code).toBe(0);
    expect((await bed.rum(["snapshot", "delete", "s1"], { cwd: dirA })).code).toBe(0);
    expect(copies()).toEqual([]);
    expect((await bed.rum(["snapshot", "save", "s2"], { cwd: dirA })).code).toBe(0);
    expect((await bed.rum(["destroy", "--yes"], { cwd: dirA })).code).toBe(0);
    expect(bed.domains()).toEqual([]);
    expect(copies()).toEqual([]);
  });

  test("every libvirt call named the qemu+ssh:// URI", () => {
    const all = calls();
    expect(all.filter((c) => c[0] !== "ok")).toEqual([]);
    for (const c of all) expect(c[c.indexOf("-c") + 1]).toBe(uri);
    const verbs = new Set(all.map((c) => c[c.indexOf("-c") + 2]));
    for (const verb of [
      "define",
      "start",
      "vol-upload",
      "vol-create-as",
      "vol-clone",
      "undefine",
    ]) {
      expect(verbs).toContain(verb);
    }
  });
});
