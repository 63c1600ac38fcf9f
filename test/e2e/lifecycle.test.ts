/**
 * One real guest through its whole life, driving the compiled binary:
 * download → first boot (seed from rum's own ISO writer) → ready → xfs and
 * btrfs drives → SSH over a bridged NIC (`[ssh] interface`) → exec/cp/ssh →
 * changed config refused while running → down (ACPI) → up (same disk, change
 * applied, provisioning semantics) → three more down/up cycles → one with
 * `wait_for_ip = false` → pinning → destroy leaves nothing.
 * Several behaviours share each boot because a boot under emulation is slow.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "pathe";
import { tcpOpen } from "../../src/guest/address";
import { present } from "../support/precondition";
import { Bed, testImage, URI, vmHostReady } from "./harness";
import { guestAddresses, type LifeConfig, lifeConfig, makeBridge } from "./lifecycle-config";

setDefaultTimeout(20 * 60_000);
const ready = vmHostReady();

describe.skipIf(!ready)("a guest's whole life through rum", () => {
  const bed = new Bed();
  let dir = "";
  let base: LifeConfig;
  let dropBridge = () => {};
  const rum = (...args: string[]) => bed.rum(args, { cwd: dir });
  const config = (more: Partial<LifeConfig>) => lifeConfig({ ...base, ...more });

  beforeAll(async () => {
    const { url, sha256 } = await bed.serveImage(testImage());
    const made = await makeBridge();
    dropBridge = made.drop;
    base = { url, sha256, bridge: made.bridge, cpus: 2 };
    dir = bed.project("life", config({}));
  });
  afterAll(async () => {
    await bed.cleanup();
    dropBridge();
  });

  test("rum up -d downloads (verified), starts the default network, boots and waits until ready", async () => {
    // An inactive `default` network (as after a fresh libvirt install) is started by rum up.
    // Stopping it cuts every running guest on it off its bridge for good: only on a quiet host.
    const others = Bun.spawnSync(["virsh", "-c", URI, "list", "--name"]).stdout.toString().trim();
    if (present(`a host where no guest runs (running: ${others})`, others === ""))
      Bun.spawnSync(["virsh", "-c", URI, "net-destroy", "default"]);
    const r = await rum("up", "-d");
    const net = Bun.spawnSync(["virsh", "-c", URI, "net-info", "default"]).stdout.toString();
    expect(net).toMatch(/Active:\s+yes/);
    expect(r.stderr).toContain("waiting for cloud-init");
    expect(r.stderr).toContain("system provisioning ran");
    expect(r.code).toBe(0);
    expect(bed.server?.requests.some((q) => q.path.endsWith(".qcow2") && q.status === 200)).toBe(
      true,
    );
  });

  test("cloud-init used rum's seed ISO (NoCloud, no errors)", async () => {
    const r = await rum("exec", "--", "cat", "/run/cloud-init/result.json");
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout).v1;
    expect(result.datasource).toContain("DataSourceNoCloud");
    expect(result.errors).toEqual([]);
  });

  test("[user], hostname and autologin reach the guest", async () => {
    expect((await rum("exec", "--", "id", "-un")).stdout.trim()).toBe("dev");
    expect((await rum("exec", "--", "id", "-nG")).stdout).toContain("adm");
    expect((await rum("exec", "--", "sudo", "-n", "true")).code).toBe(0);
    expect((await rum("exec", "--", "hostname")).stdout.trim()).toBe("life");
    const getty = await rum("exec", "--", "systemctl", "cat", "serial-getty@ttyS0.service");
    expect(getty.stdout).toContain("--autologin dev");
  });

  test("[[fs.xfs]] and [[fs.btrfs]] (raid1 over two drives) are formatted and mounted, the user's", async () => {
    const fstype = async (target: string) =>
      (await rum("exec", "--", "findmnt", "-no", "FSTYPE", target)).stdout.trim();
    expect(await fstype("/srv/xfs")).toBe("xfs");
    expect(await fstype("/srv/btrfs")).toBe("btrfs");
    const df = await rum("exec", "--", "sudo", "btrfs", "filesystem", "df", "/srv/btrfs");
    expect(df.stdout).toMatch(/^Data, RAID1/m);
    const usage = await rum("exec", "--", "sudo", "btrfs", "filesystem", "show", "/srv/btrfs");
    expect(usage.stdout).toContain("Total devices 2");
    // Mounted by UUID with nofail, so they come back on every boot.
    const fstab = (await rum("exec", "--", "cat", "/etc/fstab")).stdout;
    expect(fstab).toMatch(
      /^UUID=\S+\s+\/srv\/xfs\s+xfs\s+defaults,nofail,x-systemd.device-timeout=10min\s/m,
    );
    expect(fstab).toMatch(
      /^UUID=\S+\s+\/srv\/btrfs\s+btrfs\s+defaults,nofail,x-systemd.device-timeout=10min\s/m,
    );
    // Written by the guest user without sudo: the filesystems rum made are theirs.
    const write = "echo on-xfs > /srv/xfs/kept && echo on-btrfs > /srv/btrfs/kept && sync";
    expect((await rum("exec", "--", "sh", "-c", write)).code).toBe(0);
  });

  test("status --json shows it running with an address", async () => {
    const r = await rum("status", "--json");
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.state).toBe("running");
    expect(s.ssh.address).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(s.provisioned).toBe(true);
    const all = JSON.parse((await bed.rum(["status", "--all", "--json"])).stdout);
    expect(all.vms).toContainEqual({
      name: "life",
      domain: s.domain,
      state: "running",
      config: s.config,
    });
  });

  test("[ssh] interface: SSH goes over the NIC on that bridge; the NIC on virbr0 has the default network's lease", async () => {
    const s = JSON.parse((await rum("status", "--json")).stdout);
    expect(s.interfaces.map((i: { bridge?: string }) => i.bridge)).toEqual([
      undefined,
      "virbr0",
      base.bridge,
    ]);
    const [nat, onVirbr0, onBridge] = s.interfaces as { mac: string; ip: string | null }[];
    // The bridged NIC's address comes from the host's ARP table, not a lease.
    expect(onBridge?.ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(s.ssh.address).toBe(onBridge?.ip);
    expect(s.ssh.address).not.toBe(nat?.ip);
    // The guest's own view: the SSH server address is the one on the bridged NIC.
    const conn = (await rum("exec", "--", "sh", "-c", "echo $SSH_CONNECTION")).stdout.split(" ");
    expect(conn[2]).toBe(s.ssh.address);
    const nics = guestAddresses((await rum("exec", "--", "ip", "-j", "addr")).stdout);
    expect(nics.find((n) => n.mac === onBridge?.mac)?.ipv4).toEqual([s.ssh.address]);
    const virbr0Ip = nics.find((n) => n.mac === onVirbr0?.mac)?.ipv4[0] ?? "";
    expect(virbr0Ip).toMatch(/^192\.168\.122\./);
    const leases = Bun.spawnSync(["virsh", "-c", URI, "net-dhcp-leases", "default"]);
    expect(leases.stdout.toString()).toMatch(
      new RegExp(`${onVirbr0?.mac}\\s+ipv4\\s+${virbr0Ip.replaceAll(".", "\\.")}/`, "i"),
    );
  });

  test("a second rum up is a no-op", async () => {
    const before = bed.volumes().length;
    const r = await rum("up", "-d");
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("nothing to do");
    expect(bed.volumes().length).toBe(before);
  });

  test("exec passes arguments exactly and returns the guest's exit code", async () => {
    const r = await rum("exec", "--", "sh", "-c", 'echo "$1"', "_", 'a b "c"');
    expect(r.stdout).toBe('a b "c"\n');
    expect((await rum("exec", "--", "false")).code).toBe(1);
    expect((await rum("exec", "--", "sh", "-c", "exit 42")).code).toBe(42);
  });

  test("stdin passes through byte-exact (10 MB binary)", async () => {
    const blob = crypto.getRandomValues(new Uint8Array((10 * 1024 * 1024) / 4)).buffer;
    const data = new Uint8Array(10 * 1024 * 1024);
    for (let i = 0; i < 4; i++) data.set(new Uint8Array(blob), i * blob.byteLength);
    const r = await bed.rum(["exec", "--", "sha256sum"], { cwd: dir, stdin: data });
    const want = new Bun.CryptoHasher("sha256").update(data).digest("hex");
    expect(r.stdout.split(" ")[0]).toBe(want);
  });

  test("cp copies both ways byte-exact, recursively", async () => {
    const src = mkdtempSync(join(bed.home, "cp-"));
    writeFileSync(join(src, "it's a file.txt"), "hello\n");
    Bun.spawnSync(["mkdir", "-p", join(src, "sub")]);
    writeFileSync(join(src, "sub", "bin"), crypto.getRandomValues(new Uint8Array(50_000)));
    expect((await rum("cp", src, ":/tmp/up")).code).toBe(0);
    expect((await rum("exec", "--", "cat", "/tmp/up/it's a file.txt")).stdout).toBe("hello\n");
    const back = join(bed.home, "back");
    expect((await rum("cp", ":/tmp/up", back)).code).toBe(0);
    expect(readFileSync(join(back, "sub", "bin"))).toEqual(readFileSync(join(src, "sub", "bin")));
  });

  test("ssh-config works with plain ssh and no prompt", async () => {
    const r = await rum("ssh-config");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Host life");
    expect(r.stdout).not.toMatch(/StrictHostKeyChecking\s+no/i);
    const file = join(bed.home, "ssh_config");
    writeFileSync(file, r.stdout);
    const ssh = Bun.spawnSync(["ssh", "-F", file, "-o", "BatchMode=yes", "life", "hostname"], {
      stdin: "ignore",
    });
    expect(ssh.stdout.toString().trim()).toBe("life");
    expect(ssh.exitCode).toBe(0);
  });

  test("a changed config is refused while running, naming the setting", async () => {
    writeFileSync(join(dir, "rum.toml"), config({ cpus: 1 }));
    const r = await rum("up", "-d");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("resources.cpus");
    expect(r.stderr).toContain("rum down");
  });

  test("down powers off by ACPI", async () => {
    await rum("exec", "--", "sh", "-c", "echo persisted | sudo tee /var/tmp/marker");
    const r = await rum("down");
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("ACPI");
    expect(JSON.parse((await rum("status", "--json")).stdout).state).toBe("shut off");
  });

  test("up again boots the same disk, applies the change, runs only the boot script", async () => {
    const r = await rum("up", "-d");
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("redefining domain");
    expect((await rum("exec", "--", "cat", "/var/tmp/marker")).stdout).toBe("persisted\n");
    expect((await rum("exec", "--", "nproc")).stdout.trim()).toBe("1");
    expect((await rum("exec", "--", "cat", "/var/tmp/system-runs")).stdout).toBe("run\n");
    expect((await rum("exec", "--", "cat", "/var/tmp/boot-runs")).stdout).toBe("boot\nboot\n");
    // Mounted again from fstab, not formatted again.
    const kept = await rum("exec", "--", "cat", "/srv/xfs/kept", "/srv/btrfs/kept");
    expect(kept.stdout).toBe("on-xfs\non-btrfs\n");
  });

  test("three more down/up cycles in a row, a file each", async () => {
    for (let i = 2; i <= 4; i++) {
      const w = await rum("exec", "--", "sh", "-c", `echo ${i} > /var/tmp/cycle-${i} && sync`);
      expect(w.code).toBe(0);
      expect((await rum("down")).code).toBe(0);
      const again = await rum("up", "-d");
      expect({ cycle: i, code: again.code, err: again.code ? again.stderr : "" }).toEqual({
        cycle: i,
        code: 0,
        err: "",
      });
    }
  });

  test("[network] wait_for_ip = false: up returns once the domain runs, before SSH; the next up waits", async () => {
    expect((await rum("exec", "--", "sh", "-c", "echo 5 > /var/tmp/cycle-5 && sync")).code).toBe(0);
    expect((await rum("down")).code).toBe(0);
    writeFileSync(join(dir, "rum.toml"), config({ cpus: 1, waitForIp: false }));
    const t0 = performance.now();
    const r = await rum("up", "-d");
    const seconds = (performance.now() - t0) / 1000;
    console.log(`[lifecycle] rum up with wait_for_ip = false returned in ${seconds.toFixed(1)} s`);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain("waiting for");
    expect(r.stderr).not.toContain("is ready at");
    // The guest is still booting: nothing listens on port 22 at any address it may get.
    const s = JSON.parse((await rum("status", "--json")).stdout);
    expect(s.state).toBe("running");
    const addresses = (s.interfaces as { ip: string | null }[]).flatMap((i) => i.ip ?? []);
    for (const ip of addresses) expect(await tcpOpen(ip, 22)).toBe(false);
    // With the key back to its default, `rum up` waits for the same boot to be ready.
    writeFileSync(join(dir, "rum.toml"), config({ cpus: 1 }));
    const ready = await rum("up", "-d");
    expect({ code: ready.code, err: ready.code ? ready.stderr : "" }).toEqual({ code: 0, err: "" });
    const files = await rum("exec", "--", "sh", "-c", "cat /var/tmp/marker /var/tmp/cycle-*");
    expect(files.stdout).toBe("persisted\n2\n3\n4\n5\n");
    const kept = await rum("exec", "--", "cat", "/srv/xfs/kept", "/srv/btrfs/kept");
    expect(kept.stdout).toBe("on-xfs\non-btrfs\n");
  });

  test("a changed guest host key is refused (pinning is real)", async () => {
    const regen =
      "rm -f /etc/ssh/ssh_host_ed25519_key* && ssh-keygen -q -t ed25519 -N '' -f /etc/ssh/ssh_host_ed25519_key && systemctl restart ssh";
    expect((await rum("exec", "--", "sudo", "sh", "-c", regen)).code).toBe(0);
    // Close the multiplexed connection, which was authenticated with the old key.
    const domain = JSON.parse((await rum("status", "--json")).stdout).domain;
    const sock = join(bed.env.XDG_DATA_HOME as string, "rum", domain, "ssh.sock");
    Bun.spawnSync(["ssh", "-o", `ControlPath=${sock}`, "-O", "exit", "rum-test"]);
    // The master removes its socket as it exits, a moment after `-O exit` returns.
    for (let i = 0; i < 50 && existsSync(sock); i++) await Bun.sleep(100);
    expect(existsSync(sock)).toBe(false);
    const r = await rum("exec", "--", "true");
    expect(r.code).toBe(255);
    expect(r.stderr).toMatch(/host key|IDENTIFICATION HAS CHANGED/i);
  });

  test("destroy -f (as `vagrant destroy -f` users type it) leaves no domain, volume or state", async () => {
    const r = await rum("destroy", "-f");
    expect(r.code).toBe(0);
    expect(bed.domains()).toEqual([]);
    expect(bed.volumes().filter((v) => v.startsWith("rum-life-"))).toEqual([]);
    expect(bed.volumes("rum-logs").filter((v) => v.startsWith("rum-life-"))).toEqual([]);
    expect(existsSync(join(bed.env.XDG_DATA_HOME as string, "rum"))).toBe(true);
    const left = Bun.spawnSync(["ls", join(bed.env.XDG_DATA_HOME as string, "rum")])
      .stdout.toString()
      .trim();
    expect(left).toBe("");
    const s = JSON.parse((await rum("status", "--json")).stdout);
    expect(s.state).toBe("absent");
    expect(URI).toBe("qemu:///system");
  });
});
