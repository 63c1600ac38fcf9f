/**
 * What users of Lima, Multipass and vagrant-libvirt rely on, on one real
 * guest: `[cloud_init]` user-data (a #cloud-config from user_data_file, then
 * a #! script), growing the root disk (and refusing to shrink it), and
 * `rum restart`. One guest carries every check: a boot under emulation is slow.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "pathe";
import { Bed, guestToml, testImage, virsh, vmHostReady } from "./harness";

setDefaultTimeout(20 * 60_000);
const ready = vmHostReady();
const G = 2 ** 30;

const CLOUD_CONFIG = `#cloud-config
write_files:
  - path: /etc/peer-features.conf
    content: |
      from user_data_file
    permissions: "0640"
runcmd:
  - [sh, -c, "id -un >> /var/tmp/user-runcmd"]
`;
// Non-ASCII on purpose: the MIME part must reach the guest byte for byte.
const SCRIPT = `#!/bin/sh
echo "script ran as $(id -un)" >> /var/tmp/user-script
printf 'héllo ✓\\n' > /var/tmp/user-script-utf8
`;

describe.skipIf(!ready)("cloud-init user-data, growing disks and restart on one guest", () => {
  const bed = new Bed();
  let dir = "";
  let image = { url: "", sha256: "" };
  const rum = (...args: string[]) => bed.rum(args, { cwd: dir });
  const exec = async (cmd: string) => (await rum("exec", "--", "sh", "-c", cmd)).stdout;
  const configure = (disk: string, userDataFile = "cloud.yaml") =>
    writeFileSync(
      join(dir, "rum.toml"),
      guestToml("peers", image, {
        extra: `[cloud_init]\nuser_data_file = "${userDataFile}"\n`,
      }).replace('disk = "4G"', `disk = "${disk}"`),
    );
  const rootCapacity = () => {
    const vol = bed.volumes().find((v) => v.startsWith("rum-peers-") && v.endsWith("-root.qcow2"));
    const info = virsh("vol-info", "--pool", "rum", String(vol), "--bytes").out;
    return Number(/Capacity:\s+(\d+)/.exec(info)?.[1]);
  };
  const rootFsBytes = async () => Number((await exec("df -B1 --output=size / | tail -1")).trim());

  beforeAll(async () => {
    image = await bed.serveImage(testImage());
    dir = bed.project("peers", "");
    writeFileSync(join(dir, "cloud.yaml"), CLOUD_CONFIG);
    writeFileSync(join(dir, "script.sh"), SCRIPT);
    configure("4G");
  });
  afterAll(() => bed.cleanup());

  let firstFs = 0;

  test("first boot: write_files and runcmd from user_data_file took effect, after rum's own setup", async () => {
    const r = await rum("up", "-d");
    expect({ code: r.code, err: r.code ? r.stderr : "" }).toEqual({ code: 0, err: "" });
    expect(await exec("sudo cat /etc/peer-features.conf")).toBe("from user_data_file\n");
    expect(await exec("stat -c %a /etc/peer-features.conf")).toBe("640\n");
    expect(await exec("cat /var/tmp/user-runcmd")).toBe("root\n");
    // rum's user and keys are intact: this very exec logged in as rum.
    expect(await exec("id -un")).toBe("rum\n");
    firstFs = await rootFsBytes();
    expect(firstFs).toBeGreaterThan(3 * G);
  });

  test("a larger disk while running: refused like any change, naming it", async () => {
    configure("6G");
    const r = await rum("up", "-d");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("resources.disk 4G → 6G");
    expect(r.stderr).toContain("rum down && rum up");
    expect(rootCapacity()).toBe(4 * G);
  });

  test("after rum down, rum up grows the volume and the guest's root filesystem follows", async () => {
    expect((await rum("down")).code).toBe(0);
    const r = await rum("up", "-d");
    expect({ code: r.code, err: r.code ? r.stderr : "" }).toEqual({ code: 0, err: "" });
    expect(rootCapacity()).toBe(6 * G);
    const grown = await rootFsBytes();
    console.log(`root filesystem: ${firstFs} → ${grown} bytes`);
    expect(grown).toBeGreaterThan(firstFs + 1.8 * G);
    // The seed did not change (same instance): the user's runcmd did not run again.
    expect(await exec("cat /var/tmp/user-runcmd")).toBe("root\n");
  });

  test("a smaller disk: exit 2 naming the key and both sizes, nothing changed", async () => {
    configure("3G");
    const r = await rum("up", "-d");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("resources.disk is 3G but the disk is already 6G");
    expect(rootCapacity()).toBe(6 * G);
    expect(JSON.parse((await rum("status", "--json")).stdout).state).toBe("running");
  });

  test("rum restart reboots and applies a changed seed: a #! script user-data runs", async () => {
    configure("6G", "script.sh");
    const refused = await rum("up", "-d");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("seed (cloud-init inputs)");
    const bootBefore = await exec("cat /proc/sys/kernel/random/boot_id");
    const r = await rum("restart", "-d");
    expect({ code: r.code, err: r.code ? r.stderr : "" }).toEqual({ code: 0, err: "" });
    expect(r.stderr).toContain("powered off");
    expect(await exec("cat /proc/sys/kernel/random/boot_id")).not.toBe(bootBefore);
    expect(await exec("cat /var/tmp/user-script")).toBe("script ran as root\n");
    expect(await exec("cat /var/tmp/user-script-utf8")).toBe("héllo ✓\n");
    // write_files of the first instance stay; the disk keeps its size.
    expect(await exec("sudo cat /etc/peer-features.conf")).toBe("from user_data_file\n");
    expect(await rootFsBytes()).toBeGreaterThan(firstFs + 1.8 * G);
  });

  test("snapshots: save on a stopped VM, restore puts the disk back, destroy takes the copies", async () => {
    expect((await rum("down")).code).toBe(0);
    const saved = await rum("snapshot", "save", "clean");
    expect({ code: saved.code, err: saved.code ? saved.stderr : "" }).toEqual({ code: 0, err: "" });
    const list = JSON.parse((await rum("snapshot", "list", "--json")).stdout);
    expect(
      list.map((s: { name: string; volumes: unknown[] }) => [s.name, s.volumes.length]),
    ).toEqual([["clean", 1]]);
    const copy = bed.volumes().find((v) => v.includes("-snap-clean-"));
    console.log(
      `snapshot copy: ${copy}\n${virsh("vol-dumpxml", "--pool", "rum", String(copy)).out}`,
    );
    expect((await rum("up", "-d")).code).toBe(0);
    expect((await rum("snapshot", "save", "live")).stderr).toContain("while VM peers is running");
    await exec("sudo sh -c 'echo after > /var/tmp/after-snapshot && sync'");
    expect((await rum("down")).code).toBe(0);
    const unasked = await rum("snapshot", "restore", "clean");
    expect(unasked.code).toBe(2);
    const restored = await rum("snapshot", "restore", "clean", "--yes");
    expect({ code: restored.code, err: restored.code ? restored.stderr : "" }).toEqual({
      code: 0,
      err: "",
    });
    const up = await rum("up", "-d");
    expect({ code: up.code, err: up.code ? up.stderr : "" }).toEqual({ code: 0, err: "" });
    expect(await exec("test -e /var/tmp/after-snapshot && echo there || echo gone")).toBe("gone\n");
    // What was there when the snapshot was taken is there again.
    expect(await exec("cat /var/tmp/user-runcmd")).toBe("root\n");
  });

  test("destroy leaves no domain or volume", async () => {
    expect((await rum("destroy", "--yes")).code).toBe(0);
    expect(bed.domains()).toEqual([]);
    expect(bed.volumes().filter((v) => v.startsWith("rum-peers-"))).toEqual([]);
    expect(bed.volumes("rum-logs").filter((v) => v.startsWith("rum-peers-"))).toEqual([]);
  });
});
