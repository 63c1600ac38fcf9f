/**
 * What users of Lima, Multipass and vagrant-libvirt rely on, on one real
 * guest: `[cloud_init]` user-data (a #cloud-config from user_data_file, then
 * a #! script), growing the root disk (and refusing to shrink it), and
 * `rum restart`, snapshots and `rum up --json`'s event stream. One guest
 * carries every check: a boot under emulation is slow.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "pathe";
import { Bed, guestToml, testImage, virsh, vmHostReady } from "./harness";

setDefaultTimeout(20 * 60_000);
const ready = vmHostReady();
const G = 2 ** 30;
/** The phases every cold start names (src/events.ts; spec §4, *Event stream*). */
const COLD_PHASES = [
  "config",
  "preflight",
  "inspect",
  "keys",
  "seed",
  "image",
  "storage",
  "survey",
  "pool",
  "base-volume",
  "volumes",
  "seed-volume",
  "network",
  "define",
  "start",
  "address",
  "ssh-port",
  "ssh-login",
  "cloud-init",
  "forwards",
  "watcher",
];

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

  test("first boot (rum up --json): every line parses on its own and names every phase", async () => {
    const r = await rum("up", "-d", "--json");
    expect({ code: r.code, err: r.code ? r.stderr : "" }).toEqual({ code: 0, err: "" });
    const events = r.stdout
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const ended = events.filter((e) => e.event === "phase-end");
    const started = events.filter((e) => e.event === "phase-start").map((e) => e.phase);
    // Each start has its end.
    expect([...started].sort()).toEqual(ended.map((e) => e.phase).sort());
    for (const p of COLD_PHASES) expect(started).toContain(p);
    expect(ended.every((e) => e.ok === true && typeof e.durationMs === "number")).toBe(true);
    const address = ended.find((e) => e.phase === "address")?.address;
    expect(String(address)).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const result = events.at(-1) as Record<string, unknown> & {
      ssh: { host: string; user: string };
    };
    expect(result).toMatchObject({ event: "result", ok: true, name: "peers", address });
    expect(result.ssh).toMatchObject({ host: address, user: "rum", port: 22 });
    console.log(
      `up --json: ${events.length} lines, ${started.length} phases, ${String(result.totalMs)} ms`,
    );
    // The human step lines are still on stderr.
    expect(r.stderr).toContain("waiting for cloud-init to finish");
  });

  test("first boot: write_files and runcmd from user_data_file took effect, after rum's own setup", async () => {
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

  test("snapshots: list --json has each with its time, status --json lists them, delete takes the copy", async () => {
    const [clean] = JSON.parse((await rum("snapshot", "list", "--json")).stdout);
    expect(clean.name).toBe("clean");
    const age = Date.now() - Date.parse(clean.createdAt);
    expect(age).toBeGreaterThan(0);
    expect(age).toBeLessThan(60 * 60_000);
    const s = JSON.parse((await rum("status", "--json")).stdout);
    expect(s.snapshots.map((x: { name: string }) => x.name)).toEqual(["clean"]);
    expect((await rum("snapshot", "delete", "clean")).code).toBe(0);
    expect(JSON.parse((await rum("snapshot", "list", "--json")).stdout)).toEqual([]);
    expect(bed.volumes().filter((v) => v.includes("-snap-"))).toEqual([]);
    // One left for destroy to take.
    expect((await rum("down")).code).toBe(0);
    expect((await rum("snapshot", "save", "s1")).code).toBe(0);
    expect(
      bed.volumes().filter((v) => v.startsWith("rum-peers-") && v.includes("-snap-s1-")).length,
    ).toBe(1);
  });

  test("destroy leaves no domain or volume", async () => {
    expect((await rum("destroy", "--yes")).code).toBe(0);
    expect(bed.domains()).toEqual([]);
    expect(bed.volumes().filter((v) => v.startsWith("rum-peers-"))).toEqual([]);
    expect(bed.volumes("rum-logs").filter((v) => v.startsWith("rum-peers-"))).toEqual([]);
  });
});
