// The seed documents, checked by Debian 12's cloud-init itself (schema for
// user-data, its own network-config parser and networkd renderer) and by
// parsing them back with PyYAML, the parser cloud-init reads them with.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  BOOT_UNIT_NAME,
  FS_SETUP_SCRIPT,
  instanceId,
  metaData,
  networkConfig,
  PROVISION_PATHS,
  PROVISION_RUNNER,
  type SeedInput,
  SHARES_SCRIPT,
  seedFiles,
  userData,
} from "../../src/seed/cloudinit";

// Each test runs python and cloud-init several times; give a loaded host room.
setDefaultTimeout(60_000);

const PYTHON = "/usr/bin/python3";
const CLOUD_INIT = "/usr/bin/cloud-init";
let tmp = "";
let hostKey: SeedInput["hostKey"];

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "rum-cloudinit-"));
  const keyPath = join(tmp, "host_key");
  const keygen = Bun.spawnSync([
    "ssh-keygen",
    "-q",
    "-t",
    "ed25519",
    "-N",
    "",
    "-C",
    "",
    "-f",
    keyPath,
  ]);
  expect(keygen.exitCode).toBe(0);
  hostKey = {
    type: "ed25519",
    privateKey: await Bun.file(keyPath).text(),
    publicKey: await Bun.file(`${keyPath}.pub`).text(),
  };
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

function minimalInput(): SeedInput {
  return {
    hostname: "box",
    user: {
      name: "rum",
      groups: [],
      authorizedKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA rum"],
    },
    hostKey,
    autologin: false,
    mounts: [],
    drives: [],
    filesystems: [],
    provision: {},
    nics: [{ mac: "52:54:00:12:34:56" }],
  };
}

/** Every section filled. */
function fullInput(): SeedInput {
  return {
    ...minimalInput(),
    hostname: "dev-box",
    user: {
      name: "dev",
      groups: ["docker", "kvm", "adm"],
      authorizedKeys: [
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFgthbu/DQHpbgF1aBWMNPJSuRYI2zoFdxcOSROg+xfV rum-client",
        "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ me@laptop",
        "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAI other",
      ],
    },
    autologin: true,
    mounts: [
      { tag: "work", target: "/work", readonly: false, type: "virtiofs" },
      { tag: "docs", target: "/srv/docs", readonly: true, type: "virtiofs" },
      { tag: "cache", target: "/var/cache/host", readonly: false, type: "9p" },
      { tag: "ro9p", target: "/mnt/ro 9p", readonly: true, type: "9p" },
    ],
    drives: ["d1", "d2", "d3", "d4", "d5", "d6"].map((name) => ({ name })),
    filesystems: [
      { type: "ext4", drives: ["d1"], target: "/data/ext4" },
      { type: "xfs", drives: ["d2"], target: "/data/xfs" },
      { type: "btrfs", drives: ["d3", "d4"], target: "/data/btrfs", mode: "raid1" },
      { type: "zfs", drives: ["d5", "d6"], target: "/data/zfs", mode: "mirror", pool: "tank" },
    ],
    provision: {
      system: "#!/bin/bash\nset -e\napt-get install -y make\n",
      boot: "echo booted >/tmp/b",
    },
    nics: [{ mac: "52:54:00:12:34:56" }, { mac: "52:54:00:AB:CD:EF", ip: "192.168.122.50" }],
    defaultDir: "/work",
  };
}

/** Each document parsed by PyYAML, in one python run. */
function pyYaml(docs: string[]): unknown[] {
  const program =
    "import json,sys,yaml\nprint(json.dumps([yaml.safe_load(d) for d in json.load(sys.stdin)]))";
  const run = Bun.spawnSync([PYTHON, "-c", program], { stdin: Buffer.from(JSON.stringify(docs)) });
  if (run.exitCode !== 0) throw new Error(run.stderr.toString());
  return JSON.parse(run.stdout.toString());
}

// biome-ignore lint/suspicious/noExplicitAny: parsed YAML is walked freely in assertions.
type Parsed = any;

function parsedUserData(input: SeedInput): Parsed {
  const text = userData(input);
  const [python] = pyYaml([text]);
  expect(Bun.YAML.parse(text)).toEqual(python);
  return python;
}

async function schemaCheck(text: string): Promise<{ exitCode: number; output: string }> {
  const file = join(tmp, `user-data-${Bun.hash(text)}`);
  await Bun.write(file, text);
  const run = Bun.spawnSync([CLOUD_INIT, "schema", "--config-file", file]);
  return { exitCode: run.exitCode, output: run.stdout.toString() + run.stderr.toString() };
}

describe("user-data", () => {
  test("starts with #cloud-config", () => {
    expect(userData(minimalInput())).toStartWith("#cloud-config\n");
  });

  test("Debian 12's cloud-init schema accepts it, minimal and with every section", async () => {
    for (const input of [minimalInput(), fullInput()]) {
      const result = await schemaCheck(userData(input));
      expect(result).toEqual({
        exitCode: 0,
        output: expect.stringContaining("Valid cloud-config"),
      });
      expect(result.output).not.toMatch(/deprecat/i);
    }
  });

  test("the host user's uid and gid: fixed on the user, the group made first by bootcmd", async () => {
    const input = fullInput();
    input.user = { ...input.user, uid: 1234, gid: 1500 };
    const doc = parsedUserData(input);
    expect(doc.users[0]).toMatchObject({ name: "dev", uid: 1234, primary_group: "dev" });
    expect(doc.bootcmd).toEqual([["groupadd", "-f", "-g", "1500", "dev"]]);
    expect((await schemaCheck(userData(input))).exitCode).toBe(0);
    const plain = parsedUserData(minimalInput());
    expect(plain.users[0].uid).toBeUndefined();
    expect(plain.bootcmd).toBeUndefined();
  });

  test("the schema check would catch a bad document", async () => {
    const bad = `${userData(minimalInput())}ssh_genkeytypes: []\n`;
    expect((await schemaCheck(bad)).exitCode).not.toBe(0);
  });

  test("user, SSH and host key settings", () => {
    const input = fullInput();
    const doc = parsedUserData(input);
    expect(doc.users).toEqual([
      {
        name: "dev",
        groups: ["docker", "kvm", "adm"],
        sudo: "ALL=(ALL) NOPASSWD:ALL",
        shell: "/bin/bash",
        lock_passwd: false,
        plain_text_passwd: "dev",
        ssh_authorized_keys: input.user.authorizedKeys,
      },
    ]);
    expect(doc).toMatchObject({
      hostname: "dev-box",
      preserve_hostname: false,
      ssh_pwauth: false,
      disable_root: true,
      ssh_deletekeys: true,
      ssh_genkeytypes: ["ed25519"],
      ssh_keys: { ed25519_private: hostKey.privateKey, ed25519_public: hostKey.publicKey },
      package_update: false,
      package_upgrade: false,
    });
    expect(doc.packages).toBeUndefined();
    expect(doc.mounts).toBeUndefined();
  });

  test("a minimal input writes no files and runs no commands", () => {
    const doc = parsedUserData(minimalInput());
    expect(doc.write_files).toBeUndefined();
    expect(doc.runcmd).toBeUndefined();
    expect(doc.users[0].groups).toBeUndefined();
  });

  test("files and first-boot commands for every section, in order", () => {
    const doc = parsedUserData(fullInput());
    const files = Object.fromEntries(doc.write_files.map((f: Parsed) => [f.path, f.permissions]));
    expect(files).toEqual({
      "/etc/systemd/system/serial-getty@.service.d/autologin.conf": "0644",
      [SHARES_SCRIPT]: "0755",
      [FS_SETUP_SCRIPT]: "0755",
      [PROVISION_RUNNER]: "0755",
      [PROVISION_PATHS.system.script]: "0755",
      [PROVISION_PATHS.boot.script]: "0755",
      [`/etc/systemd/system/${BOOT_UNIT_NAME}`]: "0644",
      "/etc/profile.d/rum-cwd.sh": "0644",
    });
    expect(doc.runcmd).toEqual([
      ["systemctl", "daemon-reload"],
      ["systemctl", "restart", "--no-block", "serial-getty@*.service"],
      [SHARES_SCRIPT],
      [FS_SETUP_SCRIPT],
      [PROVISION_RUNNER, "system", "--once"],
      ["systemctl", "enable", BOOT_UNIT_NAME],
      ["systemctl", "start", "--no-block", BOOT_UNIT_NAME],
    ]);
    const content = (path: string) => doc.write_files.find((f: Parsed) => f.path === path).content;
    expect(content("/etc/systemd/system/serial-getty@.service.d/autologin.conf")).toContain(
      "\nExecStart=\nExecStart=-/sbin/agetty --autologin dev --keep-baud 115200,57600,38400,9600 %I $TERM\n",
    );
    expect(content(SHARES_SCRIPT)).toContain(
      "'cache\t/var/cache/host\t9p\ttrans=virtio,version=9p2000.L,msize=262144,nofail,x-rum-share\t0\t0'",
    );
    expect(content(SHARES_SCRIPT)).toContain(
      "'docs\t/srv/docs\tvirtiofs\tdefaults,nofail,x-rum-share,ro\t0\t0'",
    );
    expect(content(SHARES_SCRIPT)).toContain("'ro9p\t/mnt/ro\\0409p\t9p\t");
    expect(content(FS_SETUP_SCRIPT)).toContain(
      "\nzfs_pool tank mirror /data/zfs /dev/disk/by-id/virtio-d5 /dev/disk/by-id/virtio-d6 || status=1\n",
    );
    expect(content("/etc/profile.d/rum-cwd.sh")).toContain("cd /work ");
  });

  test("only the sections asked for appear", () => {
    const input = { ...minimalInput(), provision: { boot: "x" } };
    const doc = parsedUserData(input);
    expect(doc.write_files.map((f: Parsed) => f.path)).toEqual([
      PROVISION_RUNNER,
      PROVISION_PATHS.boot.script,
      `/etc/systemd/system/${BOOT_UNIT_NAME}`,
    ]);
    expect(doc.runcmd[0]).toEqual(["systemctl", "daemon-reload"]);
    expect(doc.runcmd).not.toContainEqual([PROVISION_RUNNER, "system", "--once"]);
  });
});

test("why shares bypass `mounts:`: Debian 12's cloud-init drops tag specs", () => {
  // cc_mounts keeps an entry only if its spec is a block device or host:path.
  const program =
    "import logging\nfrom cloudinit.config import cc_mounts as m\n" +
    "print([m.sanitize_devname(t, lambda x: x, logging.getLogger()) for t in ['work', 'rum-share']])";
  const run = Bun.spawnSync([PYTHON, "-c", program], { cwd: "/" });
  expect(run.stdout.toString().trim()).toBe("[None, None]");
  expect(parsedUserData(fullInput()).mounts).toBeUndefined();
});

describe("hostile values round-trip through user-data", () => {
  const scripts = [
    "#!/bin/bash\necho \"$HOME\" 'single' # comment\n\tindented with a tab\n",
    "no trailing newline",
    "two trailing newlines\n\n",
    "",
    "\n",
    "  leading spaces\n",
    "crlf\r\nscript\r\n",
    "unicode ✓ 日本語 🎉 مرحبا\n",
    "nul\0byte and \u001b escape\n",
    "key: value\n- item\n? x\n--- \n...\n",
    "x".repeat(50_000),
  ];

  test("provisioning scripts come back byte for byte and still pass the schema", async () => {
    for (const script of scripts) {
      const input = { ...minimalInput(), provision: { system: script, boot: `${script}#boot` } };
      const doc = parsedUserData(input);
      const content = (path: string) =>
        doc.write_files.find((f: Parsed) => f.path === path).content;
      expect(content(PROVISION_PATHS.system.script)).toBe(script);
      expect(content(PROVISION_PATHS.boot.script)).toBe(`${script}#boot`);
    }
    const all = {
      ...minimalInput(),
      provision: { system: scripts.join("\n"), boot: scripts.join("") },
    };
    expect((await schemaCheck(userData(all))).exitCode).toBe(0);
  });

  test("key comments and key text come back exactly", () => {
    const keys = [
      "ssh-ed25519 AAAA comment: with #hash, \"quotes\", 'single', `tick`",
      "ssh-ed25519 AAAA - * & ! % @ [ ] { } | > yes",
      "ssh-ed25519 AAAA trailing space ",
      "no\nnewline injection: true",
      "ssh-ed25519 AAAA ünïcødé 🎉",
    ];
    const input = {
      ...minimalInput(),
      user: { name: "rum", groups: ["g-1", "g_2"], authorizedKeys: keys },
    };
    expect(parsedUserData(input).users[0].ssh_authorized_keys).toEqual(keys);
  });
});

describe("network-config", () => {
  test("DHCP on every NIC, matched by its MAC", () => {
    const [doc] = pyYaml([networkConfig(fullInput())]);
    expect(doc).toEqual({
      version: 2,
      ethernets: {
        nic0: { match: { macaddress: "52:54:00:12:34:56" }, dhcp4: true, "dhcp-identifier": "mac" },
        nic1: { match: { macaddress: "52:54:00:ab:cd:ef" }, dhcp4: true, "dhcp-identifier": "mac" },
      },
    });
  });

  test("cloud-init's own parser and networkd renderer take it (guest interfaces faked)", () => {
    const program = `
import json, sys, tempfile, os, yaml
import cloudinit.net as net
import cloudinit.net.network_state as ns
from cloudinit.net import networkd
fake = {"52:54:00:12:34:56": "enp1s0", "52:54:00:ab:cd:ef": "enp2s0"}
net.get_interfaces_by_mac = ns.get_interfaces_by_mac = lambda *a, **k: dict(fake)
state = ns.parse_net_config_data(yaml.safe_load(sys.stdin.read()))
out = tempfile.mkdtemp()
networkd.Renderer({}).render_network_state(state, target=out)
files = {}
for root, _, names in os.walk(out):
    for n in names: files[n] = open(os.path.join(root, n)).read()
print(json.dumps(files))`;
    const run = Bun.spawnSync([PYTHON, "-c", program], {
      stdin: Buffer.from(networkConfig(fullInput())),
    });
    expect(run.stderr.toString()).toBe("");
    const files = JSON.parse(run.stdout.toString());
    expect(Object.keys(files).sort()).toEqual([
      "10-cloud-init-enp1s0.network",
      "10-cloud-init-enp2s0.network",
    ]);
    expect(files["10-cloud-init-enp2s0.network"]).toContain("MACAddress=52:54:00:ab:cd:ef");
    expect(files["10-cloud-init-enp2s0.network"]).toContain("DHCP=ipv4");
  });
});

describe("meta-data and instance-id", () => {
  test("meta-data holds the instance id and hostname", () => {
    const input = fullInput();
    const [doc] = pyYaml([metaData(input)]);
    expect(doc).toEqual({ "instance-id": instanceId(input), "local-hostname": "dev-box" });
    expect(instanceId(input)).toMatch(/^rum-[0-9a-f]{16}$/);
  });

  test("stable for equal inputs, whatever their key order", () => {
    const reversedKeys = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(reversedKeys);
      if (typeof value !== "object" || value === null) return value;
      return Object.fromEntries(
        Object.entries(value)
          .reverse()
          .map(([k, v]) => [k, reversedKeys(v)]),
      );
    };
    const a = fullInput();
    const b = reversedKeys(a) as SeedInput;
    expect(Object.keys(b)[0]).toBe("defaultDir");
    expect(instanceId(b)).toBe(instanceId(a));
    expect(instanceId(structuredClone(a))).toBe(instanceId(a));
    // An optional member that is present but undefined is the same as an absent one.
    expect(instanceId({ ...a, provision: { ...a.provision, boot: undefined } })).toBe(
      instanceId({ ...a, provision: { system: a.provision.system } }),
    );
  });

  test("changes when any input changes", () => {
    const changes: ((i: SeedInput) => void)[] = [
      (i) => {
        i.hostname = "other";
      },
      (i) => {
        i.user.name = "other";
      },
      (i) => {
        i.user.groups.push("extra");
      },
      (i) => {
        i.user.groups.reverse();
      },
      (i) => {
        i.user.authorizedKeys.pop();
      },
      (i) => {
        i.hostKey = { ...i.hostKey, publicKey: `${i.hostKey.publicKey} ` };
      },
      (i) => {
        i.autologin = false;
      },
      (i) => {
        i.mounts[0] = { tag: "work", target: "/work", readonly: true, type: "virtiofs" };
      },
      (i) => {
        i.mounts[0] = { tag: "work", target: "/work", readonly: false, type: "9p" };
      },
      (i) => {
        i.mounts.pop();
      },
      (i) => {
        i.drives.push({ name: "d7" });
      },
      (i) => {
        i.filesystems[2] = {
          type: "btrfs",
          drives: ["d3", "d4"],
          target: "/data/btrfs",
          mode: "raid0",
        };
      },
      (i) => {
        i.filesystems[3] = {
          type: "zfs",
          drives: ["d5", "d6"],
          target: "/data/zfs",
          mode: "mirror",
        };
      },
      (i) => {
        i.provision.system = `${i.provision.system}\n`;
      },
      (i) => {
        i.provision.boot = undefined;
      },
      (i) => {
        i.nics[0] = { mac: "52:54:00:12:34:57" };
      },
      (i) => {
        i.nics[1] = { mac: "52:54:00:AB:CD:EF", ip: "192.168.122.51" };
      },
      (i) => {
        i.defaultDir = undefined;
      },
    ];
    const ids = changes.map((change) => {
      const input = structuredClone(fullInput());
      change(input);
      return instanceId(input);
    });
    expect(new Set([instanceId(fullInput()), ...ids]).size).toBe(changes.length + 1);
  });
});

test("seedFiles bundles the three documents", () => {
  const input = fullInput();
  expect(seedFiles(input)).toEqual({
    "meta-data": metaData(input),
    "user-data": userData(input),
    "network-config": networkConfig(input),
  });
});
