/**
 * Host integration on one real guest booted with UEFI: a virtiofs and a 9p
 * share, an ext4 drive that survives down/up, a port forward, and a second NIC
 * with a fixed address on a network rum creates (and removes on destroy), and
 * a snapshot round trip that carries the UEFI variables with the disks.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "pathe";
import { freePort } from "../support/sshd";
import { Bed, testImage, URI, vmHostReady } from "./harness";

setDefaultTimeout(20 * 60_000);
const ready = vmHostReady();
const net = `rume2e-${Math.random().toString(36).slice(2, 8)}`;

describe.skipIf(!ready)("mounts, drives, forwards, networks and UEFI on a real guest", () => {
  const bed = new Bed();
  let dir = "";
  let port = 0;
  const rum = (...args: string[]) => bed.rum(args, { cwd: dir });
  const guest = async (...cmd: string[]) => (await rum("exec", "--", ...cmd)).stdout.trim();

  beforeAll(async () => {
    const { url, sha256 } = await bed.serveImage(testImage());
    port = await freePort();
    dir = bed.project(
      "integ",
      `name = "integ"
[image]
base = "${url}"
sha256 = "${sha256}"
[resources]
memory_mb = 1024
disk = "4G"
[network]
ip_wait_timeout_s = 900
[[network.interfaces]]
network = "${net}"
ip = "10.77.213.10"
[advanced]
domain_type = "qemu"
firmware = "uefi"
[[mounts]]
source = "share-rw"
target = "/mnt/rw"
default = true
[[mounts]]
source = "share-ro"
target = "/mnt/ro"
readonly = true
type = "9p"
[drives.data]
size = "1G"
[[fs.ext4]]
drive = "data"
target = "/data"
[[ports]]
host = ${port}
guest = 8000
[provision.boot]
script = "cd /mnt/ro && nohup python3 -m http.server 8000 >/dev/null 2>&1 &"
`,
    );
    for (const share of ["share-rw", "share-ro"]) mkdirSync(join(dir, share));
    writeFileSync(join(dir, "share-ro", "page.txt"), "served from a read-only share\n");
    writeFileSync(join(dir, "share-rw", "from-host.txt"), "written on the host\n");
    // Under qemu:///system the 9p server is qemu itself, running as libvirt-qemu.
    for (const p of [bed.home, dir, join(dir, "share-ro")]) chmodSync(p, 0o755);
    // virtiofs passes owners through: the folder belongs to uid 1000, as a user's
    // project would, and so does the guest user.
    chownSync(join(dir, "share-rw"), 1000, 1000);
  });
  afterAll(() => bed.cleanup());

  test("rum up -d boots it with UEFI", async () => {
    const r = await rum("up", "-d");
    expect(r.stderr).toContain("forwarding");
    expect(r.code).toBe(0);
    expect((await rum("exec", "--", "test", "-d", "/sys/firmware/efi")).code).toBe(0);
  });

  test("a read-write virtiofs share works both ways and is the working directory", async () => {
    expect(await guest("findmnt", "-no", "FSTYPE", "/mnt/rw")).toBe("virtiofs");
    expect(await guest("cat", "/mnt/rw/from-host.txt")).toBe("written on the host");
    expect(
      await guest("sh", "-c", "echo written in the guest > /mnt/rw/from-guest.txt && pwd"),
    ).toBe("/mnt/rw");
    expect(readFileSync(join(dir, "share-rw", "from-guest.txt"), "utf8")).toBe(
      "written in the guest\n",
    );
  });

  test("a read-only 9p share can be read but not written", async () => {
    expect(await guest("findmnt", "-no", "FSTYPE", "/mnt/ro")).toBe("9p");
    expect(await guest("cat", "/mnt/ro/page.txt")).toBe("served from a read-only share");
    expect((await rum("exec", "--", "sudo", "touch", "/mnt/ro/nope")).code).not.toBe(0);
    expect(existsSync(join(dir, "share-ro", "nope"))).toBe(false);
  });

  test("the port forward reaches a server in the guest", async () => {
    const body = await fetch(`http://127.0.0.1:${port}/page.txt`).then((r) => r.text());
    expect(body).toBe("served from a read-only share\n");
    const s = JSON.parse((await rum("status", "--json")).stdout);
    expect(s.forwards.ports[0]).toMatchObject({ host: port, guest: 8000, listening: true });
  });

  test("the second NIC has its fixed address on the network rum created", async () => {
    const s = JSON.parse((await rum("status", "--json")).stdout);
    expect(s.interfaces.find((i: { network?: string }) => i.network === net)?.ip).toBe(
      "10.77.213.10",
    );
    expect(Bun.spawnSync(["virsh", "-c", URI, "net-info", net]).exitCode).toBe(0);
  });

  test("the ext4 drive is mounted and keeps its data across down/up", async () => {
    expect(await guest("findmnt", "-no", "FSTYPE", "/data")).toBe("ext4");
    expect((await rum("exec", "--", "sudo", "sh", "-c", "echo kept > /data/file")).code).toBe(0);
    expect((await rum("down")).code).toBe(0);
    expect((await rum("up", "-d")).code).toBe(0);
    expect(await guest("cat", "/data/file")).toBe("kept");
  });

  test("UEFI snapshot: save s1, change things, restore s1 → the disks and variables come back", async () => {
    const sh = (cmd: string) => rum("exec", "--", "sudo", "sh", "-c", cmd);
    expect((await sh("echo first > /var/tmp/snap-file && sync")).code).toBe(0);
    expect((await rum("down")).code).toBe(0);
    const saved = await rum("snapshot", "save", "s1");
    expect({ code: saved.code, err: saved.code ? saved.stderr : "" }).toEqual({ code: 0, err: "" });
    const [s1] = JSON.parse((await rum("snapshot", "list", "--json")).stdout);
    expect(s1.name).toBe("s1");
    expect(Date.now() - Date.parse(s1.createdAt)).toBeLessThan(60 * 60_000);
    const copied = s1.volumes.map((v: { volume: string }) => v.volume);
    console.log(`UEFI snapshot s1: ${copied.join(", ")}`);
    // Root, the data drive and the UEFI variables file libvirt made in the pool.
    expect(copied.some((v: string) => v.endsWith("-uefi-vars.fd"))).toBe(true);
    expect(copied.length).toBe(3);
    expect((await rum("up", "-d")).code).toBe(0);
    expect(
      (await sh("echo second > /var/tmp/snap-file && touch /var/tmp/snap-added && sync")).code,
    ).toBe(0);
    expect((await rum("down")).code).toBe(0);
    const restored = await rum("snapshot", "restore", "s1", "--yes");
    expect({ code: restored.code, err: restored.code ? restored.stderr : "" }).toEqual({
      code: 0,
      err: "",
    });
    const up = await rum("up", "-d");
    expect({ code: up.code, err: up.code ? up.stderr : "" }).toEqual({ code: 0, err: "" });
    expect(await guest("cat", "/var/tmp/snap-file")).toBe("first");
    expect(await guest("sh", "-c", "test -e /var/tmp/snap-added && echo there || echo gone")).toBe(
      "gone",
    );
    expect((await rum("exec", "--", "test", "-d", "/sys/firmware/efi")).code).toBe(0);
    expect(JSON.parse((await rum("status", "--json")).stdout).snapshots[0].name).toBe("s1");
    expect((await rum("snapshot", "delete", "s1")).code).toBe(0);
    expect(bed.volumes().filter((v) => v.startsWith("rum-integ-") && v.includes("-snap-"))).toEqual(
      [],
    );
  });

  test("destroy removes the domain, its volumes and the network rum made", async () => {
    expect((await rum("destroy", "--yes")).code).toBe(0);
    expect(bed.domains()).toEqual([]);
    expect(Bun.spawnSync(["virsh", "-c", URI, "net-info", net]).exitCode).not.toBe(0);
    expect(bed.volumes().filter((v) => v.startsWith("rum-integ-"))).toEqual([]);
  });
});
