// The scripts the seed installs in the guest, run for real: each scenario
// applies the parsed user-data the way cloud-init does (write_files, then
// runcmd) inside a private mount namespace whose /etc/fstab, /dev, /run,
// /var/lib, /var/log, /mnt ... are throwaway tmpfs or bind mounts, with loop
// devices standing in for the VM's drives. Nothing leaks onto the host.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { type SeedInput, userData } from "../../src/seed/cloudinit";
import { shellQuote, shellWords } from "../../src/seed/cloudinit/quoting";
import { present } from "../support/precondition";

// Loop devices, mkfs and python under a loaded host can be slow.
setDefaultTimeout(30_000);

const canSandbox = process.getuid?.() === 0 && !!Bun.which("unshare") && !!Bun.which("losetup");
let tmp = "";
const loops: string[] = [];

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "rum-guest-"));
});

afterAll(async () => {
  for (const loop of loops) Bun.spawnSync(["losetup", "-d", loop]);
  await rm(tmp, { recursive: true, force: true });
});

function baseInput(): SeedInput {
  return {
    hostname: "box",
    user: { name: "root", groups: [], authorizedKeys: [] },
    hostKey: { type: "ed25519", privateKey: "unused\n", publicKey: "unused\n" },
    autologin: false,
    mounts: [],
    drives: [],
    filesystems: [],
    provision: {},
    nics: [],
  };
}

interface WriteFile {
  path: string;
  content: string;
  permissions: string;
}

/** The user-data as cloud-init sees it: parsed by PyYAML. */
function parseUserData(text: string): { write_files?: WriteFile[]; runcmd?: string[][] } {
  const program = "import json,sys,yaml\nprint(json.dumps(yaml.safe_load(sys.stdin.read())))";
  const run = Bun.spawnSync(["/usr/bin/python3", "-c", program], { stdin: Buffer.from(text) });
  return JSON.parse(run.stdout.toString());
}

async function newLoopDevice(name: string, sizeMb = 64): Promise<string> {
  const image = join(tmp, `${name}.img`);
  await writeFile(image, "");
  Bun.spawnSync(["truncate", "-s", `${sizeMb}M`, image]);
  const loop = Bun.spawnSync(["losetup", "-f", "--show", image]).stdout.toString().trim();
  if (!loop.startsWith("/dev/loop")) throw new Error(`losetup failed for ${image}`);
  loops.push(loop);
  return loop;
}

/** Stages the seed's files and commands; `apply_seed` in the sandbox installs and runs them. */
async function stageSeed(dir: string, input: SeedInput): Promise<void> {
  const doc = parseUserData(userData(input));
  const lines: string[] = [];
  for (const [i, file] of (doc.write_files ?? []).entries()) {
    const staged = join(dir, `file${i}`);
    await writeFile(staged, file.content);
    lines.push(`mkdir -p ${shellQuote(dirname(file.path))}`);
    lines.push(
      `cp ${shellWords([staged, file.path])} && chmod ${shellWords([file.permissions, file.path])}`,
    );
  }
  // cloud-init's runcmd: one shell line per command, run by sh in order.
  for (const argv of doc.runcmd ?? []) lines.push(shellWords(argv));
  await writeFile(join(dir, "apply-seed.sh"), `${lines.join("\n")}\n`);
}

interface Sandbox {
  output: string;
  /** What the guest paths held when the scenario ended. */
  read(path: string): Promise<string | undefined>;
  /** The stubbed commands' invocations, one per line. */
  calls(): Promise<string>;
}

/**
 * Runs `steps` (bash) in the sandbox. `drives` maps drive names to loop
 * devices; `stubs` are commands replaced by fakes that log their arguments
 * (the guest has systemd and udev, this host runs neither).
 */
async function sandbox(opts: {
  input: SeedInput;
  steps: string;
  fstab?: string;
  drives?: Record<string, string>;
  /** command → the exit code its fake returns. */
  stubs?: Record<string, number>;
}): Promise<Sandbox> {
  const dir = await mkdtemp(join(tmp, "scenario-"));
  const out = join(dir, "out");
  await mkdir(join(dir, "olddev"));
  await mkdir(join(dir, "stubs"));
  await mkdir(out);
  await stageSeed(dir, opts.input);
  await writeFile(join(dir, "fstab"), opts.fstab ?? "# host fstab\n");
  const stubs = { systemctl: 0, udevadm: 0, ...opts.stubs };
  for (const [stub, exitCode] of Object.entries(stubs)) {
    const script = `#!/bin/sh\necho "${stub} $*" >>${shellQuote(join(dir, "calls"))}\nexit ${exitCode}\n`;
    await writeFile(join(dir, "stubs", stub), script, { mode: 0o755 });
  }
  const drives = Object.entries(opts.drives ?? {}).map(([name, loop]) => {
    const base = loop.slice("/dev/".length);
    return `touch ${loop}; mount --bind "$D/olddev/${base}" ${loop}; ln -s ${loop} /dev/disk/by-id/virtio-${name}`;
  });
  const prologue = `set -e
D=${shellQuote(dir)}
mount --bind /dev "$D/olddev"
mount -t tmpfs tmpfs /dev
for n in null zero random urandom; do touch /dev/$n; mount --bind "$D/olddev/$n" /dev/$n; done
ln -s /proc/self/fd /dev/fd; mkdir -p /dev/disk/by-id
${drives.join("\n")}
for d in /usr/local/lib /etc/systemd/system /etc/profile.d /var/log /var/lib /run /mnt; do mount -t tmpfs tmpfs $d; done
mount --bind "$D/fstab" /etc/fstab
export PATH="$D/stubs:$PATH"
apply_seed() { bash "$D/apply-seed.sh"; }
set +e
`;
  const epilogue = `
for p in /var/log/rum /var/lib/rum /run/rum /etc/fstab /mnt; do cp -a --parents "$p" "$D/out" 2>/dev/null; done
exit 0
`;
  await writeFile(join(dir, "run.sh"), prologue + opts.steps + epilogue);
  const run = Bun.spawn(
    ["unshare", "-m", "--propagation", "private", "bash", join(dir, "run.sh")],
    {
      stdout: "pipe",
      stderr: "pipe",
    },
  );
  const [stdout, stderr, exitCode] = await Promise.all([
    new Response(run.stdout).text(),
    new Response(run.stderr).text(),
    run.exited,
  ]);
  const output = stdout + stderr;
  // Only the prologue can fail the run (set -e), and then no step ran at all.
  if (exitCode !== 0) throw new Error(`sandbox set-up failed:\n${output}`);
  return {
    output,
    read: (path) => readFile(join(out, path), "utf8").catch(() => undefined),
    calls: () => readFile(join(dir, "calls"), "utf8").catch(() => ""),
  };
}

test.skipIf(!present("shellcheck", Bun.which("shellcheck") !== null))(
  "every generated script passes shellcheck",
  async () => {
    const input = baseInput();
    input.autologin = true;
    input.mounts = [{ tag: "t", target: "/mnt/a b", readonly: true, type: "9p" }];
    input.filesystems = [
      { type: "xfs", drives: ["d1"], target: "/x" },
      { type: "btrfs", drives: ["d2", "d3"], target: "/b", mode: "raid1" },
      { type: "zfs", drives: ["d4"], target: "/z" },
    ];
    input.provision = { system: "true", boot: "true" };
    input.defaultDir = "/mnt/a b";
    const files = parseUserData(userData(input)).write_files ?? [];
    const scripts = files.filter((f) => f.path.endsWith(".sh") && !f.path.includes("/provision-"));
    expect(scripts.map((f) => f.path.split("/").pop())).toEqual([
      "mount-shares.sh",
      "fs-setup.sh",
      "run-provision.sh",
      "rum-cwd.sh",
    ]);
    for (const script of scripts) {
      // profile.d snippets are sourced by any POSIX sh; rum's own scripts are bash.
      const shell = script.path.startsWith("/etc/profile.d/") ? "sh" : "bash";
      const check = Bun.spawnSync(["shellcheck", "-s", shell, "-"], {
        stdin: Buffer.from(script.content),
      });
      expect({ path: script.path, findings: check.stdout.toString() }).toEqual({
        path: script.path,
        findings: "",
      });
    }
  },
);

describe.skipIf(!present("a sandbox for guest scripts (root, unshare)", canSandbox))(
  "guest scripts in a sandbox",
  () => {
    test("provisioning: system once with its exit code, boot via the runner, background jobs don't block", async () => {
      const input = baseInput();
      input.provision = {
        system: '#!/bin/sh\necho "sys out $HOME"\necho sys err >&2\nsleep 3 &\nexit 3',
        boot: 'echo "boot in $(pwd) with bash $BASH_VERSION"\n',
      };
      const started = Date.now();
      const box = await sandbox({
        input,
        steps: `
apply_seed
echo "sentinel" >/var/log/rum/provision-system.log
apply_seed
/usr/local/lib/rum/run-provision.sh boot; echo "boot runner exit $?"
/usr/local/lib/rum/run-provision.sh bogus; echo "bogus runner exit $?"
`,
      });
      expect(Date.now() - started).toBeLessThan(2900);
      expect(box.output).toContain("boot runner exit 0");
      expect(box.output).toContain("bogus runner exit 2");
      expect(box.output).toContain("system provisioning already ran on first boot");
      expect(await box.read("/var/lib/rum/provision-system.exit")).toBe("3\n");
      expect(await box.read("/var/lib/rum/provision-system.done")).toBe("");
      // The second instance skipped the script: the log still holds what the test wrote.
      expect(await box.read("/var/log/rum/provision-system.log")).toBe("sentinel\n");
      expect(await box.read("/run/rum/provision-boot.exit")).toBe("0\n");
      expect(await box.read("/var/log/rum/provision-boot.log")).toMatch(/^boot in \/ with bash \d/);
      expect(await box.calls()).toContain("systemctl enable rum-provision-boot.service\n");
    });

    test("provisioning: the system log holds the script's output; a manual run runs again", async () => {
      const input = baseInput();
      input.provision = { system: 'echo "out $HOME"\necho err >&2\nexit 7\n' };
      const box = await sandbox({
        input,
        steps: `apply_seed\ncp /var/log/rum/provision-system.log /var/log/rum/first.log
/usr/local/lib/rum/run-provision.sh system; echo "manual exit $?"\n`,
      });
      expect(await box.read("/var/log/rum/first.log")).toBe("out /root\nerr\n");
      expect(box.output).toContain("manual exit 0");
      expect(await box.read("/var/lib/rum/provision-system.exit")).toBe("7\n");
    });

    test("shares: fstab lines replace the previous seed's, other lines stay, re-runs don't duplicate", async () => {
      const input = baseInput();
      input.mounts = [
        { tag: "work", target: "/mnt/work", readonly: false, type: "virtiofs" },
        { tag: "docs", target: "/mnt/my docs", readonly: true, type: "9p" },
      ];
      const fstab =
        "UUID=abc\t/\text4\terrors=remount-ro\t0\t1\nold\t/mnt/old\tvirtiofs\tdefaults,nofail,x-rum-share\t0\t0\n";
      const box = await sandbox({
        input,
        fstab,
        stubs: { mount: 0, umount: 0, mountpoint: 1 },
        steps: "apply_seed\napply_seed\n[ -d '/mnt/my docs' ] && echo 'target made'\n",
      });
      expect(box.output).toContain("target made");
      expect(await box.read("/etc/fstab")).toBe(
        "UUID=abc\t/\text4\terrors=remount-ro\t0\t1\n" +
          "work\t/mnt/work\tvirtiofs\tdefaults,nofail,x-rum-share\t0\t0\n" +
          "docs\t/mnt/my\\040docs\t9p\ttrans=virtio,version=9p2000.L,msize=262144,nofail,x-rum-share,ro\t0\t0\n",
      );
      expect(await box.calls()).toContain("mount /mnt/my docs\n");
    });

    test("shares: a mounted share is remounted only when its line changed", async () => {
      const input = baseInput();
      input.mounts = [
        { tag: "work", target: "/mnt/work", readonly: false, type: "virtiofs" },
        { tag: "docs", target: "/mnt/docs", readonly: true, type: "virtiofs" },
      ];
      const fstab =
        "work\t/mnt/work\tvirtiofs\tdefaults,nofail,x-rum-share\t0\t0\n" +
        "docs\t/mnt/docs\tvirtiofs\tdefaults,nofail,x-rum-share\t0\t0\n";
      const box = await sandbox({
        input,
        fstab,
        stubs: { mount: 0, umount: 0, mountpoint: 0 },
        steps: "apply_seed\n",
      });
      const calls = await box.calls();
      expect(calls).toContain("umount /mnt/docs\nmount /mnt/docs\n");
      expect(calls).not.toContain("mount /mnt/work\n");
    });

    test.skipIf(
      !present("mkfs.ext4 and mkswap", !!Bun.which("mkfs.ext4") && !!Bun.which("mkswap")),
    )(
      "drives: blank ones are formatted and mounted by UUID, used ones are never reformatted",
      async () => {
        const [blank, used, xfs, zfs] = await Promise.all(
          // xfsprogs 6 refuses file systems under 300 MB (sparse files: nothing is written).
          ["d1", "d2", "d3", "d4"].map((n) => newLoopDevice(n, n === "d3" ? 320 : 64)),
        );
        Bun.spawnSync(["mkswap", used ?? ""]);
        const input = baseInput();
        input.drives = ["d1", "d2", "d3", "d4"].map((name) => ({ name }));
        input.filesystems = [
          { type: "ext4", drives: ["d1"], target: "/mnt/data one" },
          { type: "ext4", drives: ["d2"], target: "/mnt/used" },
          { type: "xfs", drives: ["d3"], target: "/mnt/xfs" },
          { type: "zfs", drives: ["d4"], target: "/mnt/zfs", pool: "tank" },
        ];
        const box = await sandbox({
          input,
          drives: { d1: blank ?? "", d2: used ?? "", d3: xfs ?? "", d4: zfs ?? "" },
          steps: `apply_seed
echo keep >'/mnt/data one/marker'; umount '/mnt/data one'
apply_seed
cat '/mnt/data one/marker'
blkid -p -s TYPE -o value ${used}
`,
        });
        const log = (await box.read("/var/log/rum/fs-setup.log")) ?? "";
        expect(log.match(/formatting \/dev\/disk\/by-id\/virtio-d1 as ext4/g)).toHaveLength(1);
        expect(log).toContain("virtio-d2 holds swap (not ext4); leaving it alone");
        expect(box.output).toContain("keep\nswap\n");
        if (!Bun.which("mkfs.xfs"))
          expect(log).toContain("mkfs.xfs is missing from this image (install xfsprogs in it)");
        if (!Bun.which("zpool"))
          expect(log).toContain("zpool is missing from this image (install zfsutils-linux in it)");
        const fstab = (await box.read("/etc/fstab")) ?? "";
        expect(fstab).toMatch(
          /^# host fstab\nUUID=[0-9a-f-]{36}\t\/mnt\/data\\040one\text4\tdefaults,nofail,x-systemd.device-timeout=10min\t0\t2\n/,
        );
        expect(fstab.match(/UUID=/g)?.length).toBe(Bun.which("mkfs.xfs") ? 2 : 1);
      },
    );
  },
);
