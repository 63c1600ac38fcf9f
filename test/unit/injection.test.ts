// Injection through rum.toml: values that try to break out into the domain XML,
// the cloud-init YAML, guest shell scripts, the shell behind `ssh`, virsh's argv
// or host paths. Each is either refused by the loader (exit 2, naming the key) or
// accepted and then carried by the real downstream artefacts byte for byte.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomUUID } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type LoadedConfig, loadConfig, loadConfigText } from "../../src/config/load";
import { ConfigError, formatPath } from "../../src/config/problems";
import { domainXml } from "../../src/domain";
import { UsageError } from "../../src/errors";
import { forwarderArgv } from "../../src/guest/forward-argv";
import { inDirectory } from "../../src/guest/in-directory";
import { sshTarget, vmKeys } from "../../src/guest/session";
import { scpArgv, shellQuote, sshArgv } from "../../src/guest/ssh-argv";
import { sshConfigBlock } from "../../src/guest/ssh-config";
import { newNetworkXml } from "../../src/host/networks-model";
import { PROVISION_PATHS, seedFiles } from "../../src/seed/cloudinit";
import { openVm } from "../../src/vm/context";
import { domainSpec } from "../../src/vm/domain-spec";
import { resolveMounts } from "../../src/vm/mounts";
import { seedInput } from "../../src/vm/seed";

const REPO = join(import.meta.dir, "../..");
const tmp = realpathSync(mkdirTemp());
/** Created only if some payload was ever executed. */
const PWNED = join(tmpdir(), `rum-pwned-${randomUUID()}`);
const TOUCH = `$(touch ${PWNED})`;
const PAYLOADS = [
  TOUCH,
  `\`touch ${PWNED}\``,
  `; touch ${PWNED}`,
  `&& touch ${PWNED}`,
  `| touch ${PWNED}`,
  `' ; touch ${PWNED}; '`,
  `" ; touch ${PWNED}; "`,
  `\ntouch ${PWNED}\n`,
  "<evil a='1'/>]]>&amp;",
  "../../etc/passwd",
  `=cmd ~root $HOME \${IFS} * ? [a] {a,b} !! # %s %n`,
];
const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHn0lmfaG3b1hA0XQbCkc0JK3g2mKUPC4zTQ0kx0E5Fh";
const saved = { data: process.env.XDG_DATA_HOME, cache: process.env.XDG_CACHE_HOME };

function mkdirTemp(): string {
  const dir = join(tmpdir(), `rum-injection-${randomUUID()}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A TOML basic string (JSON's escapes are a subset of TOML's). */
const q = (s: string) => JSON.stringify(s);

beforeAll(() => {
  process.env.XDG_DATA_HOME = join(tmp, "data");
  process.env.XDG_CACHE_HOME = join(tmp, "cache");
});
afterAll(() => {
  for (const [k, v] of [
    ["XDG_DATA_HOME", saved.data],
    ["XDG_CACHE_HOME", saved.cache],
  ] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  rmSync(tmp, { recursive: true, force: true });
  const pwned = existsSync(PWNED);
  rmSync(PWNED, { force: true });
  expect(pwned).toBe(false);
});

describe("refused by the loader: exit 2 naming the key", () => {
  const cfgDir = join(tmp, "refused");
  mkdirSync(cfgDir, { recursive: true });
  const file = join(cfgDir, "rum.toml");
  const mount = (target: string, extra = "") =>
    `[[mounts]]\nsource = "."\ntarget = ${q(target)}\n${extra}`;
  const fs = (kind: string, body: string) =>
    `[drives.d1]\nsize = "2G"\n[drives.d2]\nsize = "2G"\n[[fs.${kind}]]\n${body}`;
  const cases: [string, string, string][] = [
    ["name with ../", `name = ${q("../evil")}`, "name"],
    ["name with $(…)", `name = ${q(TOUCH)}`, "name"],
    ["name with backticks", `name = ${q("a`id`")}`, "name"],
    ["name with ;", `name = ${q("vm;reboot")}`, "name"],
    ["name with &&", `name = ${q("vm&&reboot")}`, "name"],
    ["name with quotes and <", `name = ${q(`vm'"<x/>`)}`, "name"],
    ["name with a newline", `name = ${q("vm\nx")}`, "name"],
    [
      "hostname with a newline",
      `[network]\nhostname = ${q("h\nruncmd: [reboot]")}`,
      "network.hostname",
    ],
    ["hostname with $(…)", `[network]\nhostname = ${q(TOUCH)}`, "network.hostname"],
    ["hostname with ;", `[network]\nhostname = ${q("h;reboot")}`, "network.hostname"],
    ["mount target with ..", mount("/home/rum/../../etc"), "mounts[0].target"],
    ["relative mount target", mount("srv/x"), "mounts[0].target"],
    ["mount target with a newline", mount("/srv/a\nb"), "mounts[0].target"],
    ["mount tag with quotes", mount("/srv/a", `tag = ${q("t'$(id)")}`), "mounts[0].tag"],
    [
      "mount source with a newline",
      `[[mounts]]\nsource = "a\\nb"\ntarget = "/a"`,
      "mounts[0].source",
    ],
    ["drive name with /", `[drives."a/b"]\nsize = "1G"`, 'drives."a/b"'],
    ["drive name ../", `[drives."../x"]\nsize = "1G"`, 'drives."../x"'],
    ["drive name with $(…)", `[drives.${q(TOUCH)}]\nsize = "1G"`, `drives.${q(TOUCH)}`],
    ["user name with $(…)", `[user]\nname = ${q(TOUCH)}`, "user.name"],
    ["group with ;", `[user]\ngroups = ["docker;reboot"]`, "user.groups[0]"],
    ["machine type with XML", `[advanced]\nmachine = ${q("q35'/><devices>")}`, "advanced.machine"],
    [
      "bridge with /",
      `[[network.interfaces]]\nbridge = "br0/../x"`,
      "network.interfaces[0].bridge",
    ],
    [
      "fixed ip with ;",
      `[[network.interfaces]]\nnetwork = "lab"\nip = "10.0.0.5;id"`,
      "network.interfaces[0].ip",
    ],
    ["bind with ;", `[[ports]]\nhost = 8080\nguest = 80\nbind = "127.0.0.1;id"`, "ports[0].bind"],
    [
      "key with a newline",
      `[ssh]\nauthorized_keys = [${q(`${KEY}\nssh-rsa AAAA x`)}]`,
      "ssh.authorized_keys[0]",
    ],
    [
      "key with options",
      `[ssh]\nauthorized_keys = [${q(`command="touch ${PWNED}" ${KEY}`)}]`,
      "ssh.authorized_keys[0]",
    ],
    ["fs target with ..", fs("ext4", `drive = "d1"\ntarget = "/data/../etc"`), "fs.ext4[0].target"],
    [
      "zfs pool with $(…)",
      fs("zfs", `drives = ["d1", "d2"]\npool = ${q(TOUCH)}\ntarget = "/t"`),
      "fs.zfs[0].pool",
    ],
    [
      "btrfs mode with ;",
      fs("btrfs", `drives = ["d1", "d2"]\nmode = "raid1;id"\ntarget = "/b"`),
      "fs.btrfs[0].mode",
    ],
    ["a key with a control character", `"a\\u0007b" = 1`, '"a\\u0007b"'],
  ];
  for (const [what, toml, key] of cases) {
    test(what, () => {
      const text = toml.startsWith("[")
        ? `[image]\nbase = "debian-12"\n${toml}\n`
        : `${toml}\n[image]\nbase = "debian-12"\n`;
      let caught: unknown;
      try {
        loadConfigText(text, file);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(ConfigError);
      const e = caught as ConfigError;
      expect(e.exitCode).toBe(2);
      expect(e.problems.map((p) => formatPath(p.path))).toContain(key);
      expect(e.details.some((d) => d.startsWith(`${key}: `))).toBe(true);
    });
  }

  test("a bridge name libvirt would refuse: domainXml stops it before any libvirt call", () => {
    const text = `[image]\nbase = "debian-12"\n[[network.interfaces]]\nbridge = ${q("b'$(id);&")}\n`;
    const vm = openVm(loadConfigText(text, file));
    expect(() => domainXml(domainSpec(vm, vm.seedVolume("ab".repeat(32)), []))).toThrow(UsageError);
  });

  test("image sha256 with $(…)", () => {
    const text = `[image]\nbase = "debian-12"\nsha256 = ${q(TOUCH)}\n`;
    expect(() => loadConfigText(text, file)).toThrow(ConfigError);
  });

  test("rum validate on such files: exit 2, the key, a hint, nothing executed", async () => {
    for (const [toml, key] of [
      [`name = ${q(TOUCH)}\n[image]\nbase = "debian-12"\n`, "name:"],
      [`[image]\nbase = "debian-12"\n[drives.${q(TOUCH)}]\nsize = "1G"\n`, "drives."],
    ] as const) {
      await writeFile(file, toml);
      const p = Bun.spawnSync(["bun", join(REPO, "src/main.ts"), "validate", "-c", file], {
        cwd: cfgDir,
        stdin: "ignore",
      });
      const stderr = p.stderr.toString();
      expect(p.exitCode).toBe(2);
      expect(stderr).toContain(key);
      expect(stderr).toMatch(/^hint: /m);
      expect(p.stdout.toString()).toBe("");
    }
    expect(existsSync(PWNED)).toBe(false);
  }, 30_000);
});

// ---- Accepted values, and the artefacts built from them ----

/** A folder name for each path segment of a hostile string (no "/" in a name). */
function hostileDir(under: string, name: string): string {
  const dir = join(under, ...name.split("/").filter((s) => s !== "" && s !== "." && s !== ".."));
  mkdirSync(dir, { recursive: true });
  return realpathSync(dir);
}

const NET = `lab'"<&>]]>${TOUCH}\`id\`;&&`;
const SCRIPT = [
  "#!/bin/bash",
  ...PAYLOADS,
  "---",
  "...",
  "#cloud-config",
  "runcmd: [[touch, /tmp/x]]",
  "  - indented: yes",
  "tab\there, trailing spaces   ",
  "cr\r\nesc \u001b[31m bell \u0007 nel \u0085 ls \u2028 bom \ufeff",
  "ünïcødé 🐍 \\ \\n '\"'",
  "",
  "",
].join("\n");
const BOOT = `echo '${TOUCH}' "$(id)" && rm -rf /nonexistent ; \`id\` # <x>`;
const COMMENT = `me@host ${TOUCH} 'q' "dq" ; && \`id\` <x> #c: - [a] {b}`;
const TARGET = `/srv/it's "q" ${TOUCH} \`id\` ;&& <x> #`;
const FS_TARGET = `/data/x'y "z" ${TOUCH} ;&& |`;

let loaded: LoadedConfig;
let sourceDir = "";

beforeAll(async () => {
  const cfgDir = hostileDir(tmp, `cfg '"<&> ${TOUCH} ;&& \`id\``);
  sourceDir = hostileDir(cfgDir, `share '"<&>]]> ${TOUCH} \`id\` ; &&`);
  const source = sourceDir.slice(cfgDir.length + 1);
  const text = `name = "inject"
[image]
base = "debian-12"
[[network.interfaces]]
network = ${q(NET)}
[provision.system]
script = ${q(SCRIPT)}
[provision.boot]
script = ${q(BOOT)}
[ssh]
authorized_keys = [${q(`${KEY} ${COMMENT}`)}]
[[mounts]]
source = ${q(source)}
target = ${q(TARGET)}
default = true
type = "9p"
[[mounts]]
source = "."
target = "/cfg"
readonly = true
type = "virtiofs"
[drives.data]
size = "1G"
[[fs.ext4]]
drive = "data"
target = ${q(FS_TARGET)}
`;
  const file = join(cfgDir, "rum.toml");
  await writeFile(file, text);
  loaded = await loadConfig({ path: file });
});

describe("accepted, then carried exactly", () => {
  test("the loader keeps every value as written", () => {
    const c = loaded.config;
    expect(c.provision.system?.script).toBe(SCRIPT);
    expect(c.provision.boot?.script).toBe(BOOT);
    expect(c.ssh.authorized_keys).toEqual([`${KEY} ${COMMENT}`]);
    expect(c.mounts[0]?.target).toBe(TARGET);
    expect(c.network.interfaces[0]?.network).toBe(NET);
    expect(loaded.domainName).toMatch(/^rum-inject-[0-9a-f]{8}$/);
  });

  test("domain XML: libxml2 reads back the exact paths and names, and no injected element", async () => {
    const vm = openVm(loaded);
    const mounts = resolveMounts(vm);
    const xml = domainXml(domainSpec(vm, vm.seedVolume("ab".repeat(32)), mounts));
    const file = join(tmp, "domain.xml");
    await writeFile(file, xml);
    const xpath = (expr: string) => {
      const r = Bun.spawnSync(["xmllint", "--xpath", `string(${expr})`, file]);
      expect(r.exitCode).toBe(0);
      return r.stdout.toString().replace(/\n$/, "");
    };
    expect(xpath("/domain/name")).toBe(loaded.domainName);
    expect(xpath("//filesystem[1]/source/@dir")).toBe(sourceDir);
    expect(xpath("//filesystem[2]/source/@dir")).toBe(loaded.dir);
    expect(xpath("//filesystem[1]/target/@dir")).toBe(mounts[0]?.tag as string);
    expect(xpath("//interface[2]/source/@network")).toBe(NET);
    expect(xpath("//*[local-name()='config']/@path")).toBe(loaded.path);
    expect(xpath("count(//devices)")).toBe("1");
    expect(xpath("count(//filesystem)")).toBe("2");
    expect(xpath("count(//interface)")).toBe("2");
    expect(xpath("count(//x) + count(//evil) + count(//devices/devices)")).toBe("0");
  });

  test("a network rum creates under that name: its XML carries the name exactly", async () => {
    const file = join(tmp, "network.xml");
    await writeFile(
      file,
      newNetworkXml(NET, "virbr-rum9", { base: 0x0a4d0500, prefix: 24 }, loaded.domainName),
    );
    const r = Bun.spawnSync(["xmllint", "--xpath", "string(/network/name)", file]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.toString().replace(/\n$/, "")).toBe(NET);
  });

  test("cloud-init user-data: PyYAML reads back the scripts and the key exactly", async () => {
    const vm = openVm(loaded);
    const mounts = resolveMounts(vm);
    const files = seedFiles(seedInput(vm, await vmKeys(vm), mounts));
    const py = Bun.spawnSync(
      [
        "/usr/bin/python3",
        "-c",
        "import sys, yaml, json; print(json.dumps([yaml.safe_load(d) for d in sys.stdin.read().split('\\0')]))",
      ],
      { stdin: new TextEncoder().encode(Object.values(files).join("\0")) },
    );
    expect(py.stderr.toString()).toBe("");
    const [, userData] = JSON.parse(py.stdout.toString()) as [unknown, Record<string, unknown>];
    const writes = userData.write_files as { path: string; content: string }[];
    const content = (path: string) => writes.find((w) => w.path === path)?.content;
    expect(content(PROVISION_PATHS.system.script)).toBe(SCRIPT);
    expect(content(PROVISION_PATHS.boot.script)).toBe(BOOT);
    const users = userData.users as { ssh_authorized_keys: string[] }[];
    expect(users[0]?.ssh_authorized_keys).toContain(`${KEY} ${COMMENT}`);
    expect(JSON.stringify(userData.runcmd)).not.toContain("pwned");
    expect(Object.keys(userData)).not.toContain("x");
  });

  test("guest scripts: bash hands the mount and fs targets over as single, exact words", async () => {
    const vm = openVm(loaded);
    const files = seedFiles(seedInput(vm, await vmKeys(vm), resolveMounts(vm)));
    const py = Bun.spawnSync(
      [
        "/usr/bin/python3",
        "-c",
        "import sys, yaml, json; print(json.dumps(yaml.safe_load(sys.stdin)))",
      ],
      { stdin: new TextEncoder().encode(files["user-data"]) },
    );
    const scripts = (JSON.parse(py.stdout.toString()).write_files as { content: string }[]).map(
      (w) => w.content,
    );
    const calls = scripts
      .flatMap((s) => s.split("\n"))
      .filter((l) => /^(share|single|btrfs_fs|zfs_pool) .* \|\| status=1$/.test(l));
    expect(calls).toHaveLength(3);
    const stub = "share() { printf '%s\\0' \"$@\"; }; single() { printf '%s\\0' \"$@\"; };";
    const words = (line: string) => {
      const r = Bun.spawnSync(["bash", "-c", `${stub} ${line.replace(/ \|\| status=1$/, "")}`], {
        cwd: tmp,
      });
      expect(r.exitCode).toBe(0);
      return r.stdout.toString().split("\0").slice(0, -1);
    };
    const fstabDecode = (field: string) =>
      field.replace(/\\([0-7]{3})/g, (_, o) => String.fromCharCode(Number.parseInt(o, 8)));
    const shares = calls.filter((l) => l.startsWith("share ")).map(words);
    expect(shares.map((w) => w[1])).toEqual([TARGET, "/cfg"]);
    expect(shares.map((w) => fstabDecode((w[0] as string).split("\t")[1] as string))).toEqual([
      TARGET,
      "/cfg",
    ]);
    const single = words(calls.find((l) => l.startsWith("single ")) as string);
    expect(single[0]).toBe("ext4");
    expect(single[2]).toBe(FS_TARGET);
    expect(fstabDecode(single[3] as string)).toBe(FS_TARGET);
    expect(existsSync(PWNED)).toBe(false);
  });
});

describe("argv reaching subprocesses", () => {
  /**
   * A fake `virsh` first on PATH: records its argv (count, then NUL-separated)
   * and answers "not found", also to each command of a batch (one argument
   * `cmd; echo M; echo --err M; …`, see src/host/virsh-batch.ts).
   */
  function fakeVirsh(): { bin: string; log: string } {
    const bin = join(tmp, "bin");
    mkdirSync(bin, { recursive: true });
    const log = join(tmp, "virsh-argv");
    writeFileSync(
      join(bin, "virsh"),
      `#!/bin/sh
printf '%s\\0' "$#" "$@" >>"$RUM_TEST_ARGV"
for last; do :; done
case "$last" in
*";"*)
  echo "$last" | tr ';' '\\n' | while read -r verb a b; do
    case "$verb $a" in
    "echo --err") echo "error: $b" >&2 ;;
    "echo "*) printf '%s' "$a" ;;
    *) echo "error: failed to get domain 'rum'" >&2 ;;
    esac
  done
  exit 0 ;;
esac
echo "error: failed to get domain 'rum'" >&2
exit 1
`,
      { mode: 0o755 },
    );
    return { bin, log };
  }

  function invocations(log: string): string[][] {
    const fields = readFileSync(log, "utf8").split("\0").slice(0, -1);
    const out: string[][] = [];
    for (let i = 0; i < fields.length; ) {
      const n = Number(fields[i]);
      out.push(fields.slice(i + 1, i + 1 + n));
      i += n + 1;
    }
    return out;
  }

  test("rum status: the domain name and a hostile libvirt URI reach virsh as one argument each", async () => {
    const { bin, log } = fakeVirsh();
    // No blank: a URI is one word.
    const uri = `qemu:///system?x=$(touch\${IFS}${PWNED})'";&&\`id\`|<x>`;
    const cfgDir = hostileDir(tmp, `status '"<&> ${TOUCH} ;&& \`id\``);
    const file = join(cfgDir, "rum.toml");
    await writeFile(file, `[image]\nbase = "debian-12"\n[advanced]\nlibvirt_uri = ${q(uri)}\n`);
    const expected = await loadConfig({ path: file });
    const env: Record<string, string | undefined> = {
      ...process.env,
      PATH: `${bin}:${process.env.PATH}`,
      RUM_TEST_ARGV: log,
      RUM_LIBVIRT_URI: undefined,
    };
    for (const extra of [[], ["--connect", `${uri}2`]]) {
      rmSync(log, { force: true });
      const p = Bun.spawnSync(
        ["bun", join(REPO, "src/main.ts"), "status", "--json", "-c", file, ...extra],
        {
          cwd: cfgDir,
          env,
          stdin: "ignore",
        },
      );
      expect(p.stderr.toString()).not.toContain("internal error");
      expect(p.exitCode).toBe(0);
      expect(JSON.parse(p.stdout.toString()).state).toBe("absent");
      const calls = invocations(log);
      const used = extra.length ? `${uri}2` : uri;
      for (const argv of calls) {
        expect(argv.slice(0, 3)).toEqual(["-q", "-c", used]);
        expect(argv.filter((a) => a.includes("touch")).length).toBe(1);
      }
      // The lookup that decides "absent" names the domain as one whole word of
      // the batch script, which holds no quote a value could break out of.
      const script = calls.find((argv) => argv.at(-1)?.includes("dumpxml"))?.at(-1) ?? "";
      expect(script.split(/[\s;]+/)).toContain(expected.domainName);
      expect(script).not.toMatch(/['"\\`$]/);
    }
    expect(expected.domainName).toMatch(/^rum-[a-z0-9-]+-[0-9a-f]{8}$/);
    expect(existsSync(PWNED)).toBe(false);
  }, 30_000);

  test("ssh: a guest command reaches the remote shell (sh, dash, bash, zsh) word for word", async () => {
    const vm = openVm(loaded);
    const target = sshTarget(vm, await vmKeys(vm), "192.0.2.10");
    const command = ["printf", "%s\\0", ...PAYLOADS, TARGET, "", " ", "-n", "a=b", "~", "=ls"];
    const argv = sshArgv(target, { command, batch: true });
    expect(argv).toContain("StrictHostKeyChecking=yes");
    expect(argv.at(-2)).toBe("--");
    const remote = argv.at(-1) as string;
    expect(remote).toBe(shellQuote(command));
    const shells = ["sh", "dash", "bash", "zsh"].filter((s) => Bun.which(s));
    expect(shells.length).toBeGreaterThanOrEqual(2);
    for (const shell of shells) {
      // What sshd does with the joined command: `$SHELL -c "<command>"`.
      const r = Bun.spawnSync([shell, "-c", remote], { cwd: tmp, stdin: "ignore" });
      expect(r.exitCode).toBe(0);
      expect(r.stdout.toString().split("\0").slice(0, -1)).toEqual(command.slice(2));
    }
    expect(existsSync(PWNED)).toBe(false);
  });

  test("rum exec's wrapper: cd into a hostile default-mount path, then run the command unchanged", () => {
    const dir = hostileDir(tmp, `guest ${TOUCH} '"; && \`id\``);
    const inDir = inDirectory(dir, ["sh", "-c", 'pwd; printf "%s" "$1"', "x", TOUCH]);
    const r = Bun.spawnSync(["sh", "-c", shellQuote(inDir)], { cwd: tmp, stdin: "ignore" });
    expect(r.exitCode).toBe(0);
    expect(r.stdout.toString()).toBe(`${dir}\n${TOUCH}`);
    expect(existsSync(PWNED)).toBe(false);
  });
});

describe("host key checking", () => {
  test("no code in src/ turns it off or throws the known hosts away", () => {
    const offenders: string[] = [];
    const files = readdirSync(join(REPO, "src"), { recursive: true }) as string[];
    for (const f of files.filter((f) => f.endsWith(".ts"))) {
      const text = readFileSync(join(REPO, "src", f), "utf8");
      const checks = [
        /StrictHostKeyChecking\W{0,6}(no|off|accept-new|false)\b/i,
        /UserKnownHostsFile\W{0,6}\/dev\/null/i,
        /StrictHostKeyChecking=no/,
      ];
      for (const re of checks) if (re.test(text)) offenders.push(`${f}: ${re}`);
      // Every mention that sets it sets it to yes.
      for (const m of text.matchAll(/StrictHostKeyChecking(?:=|["'],\s*["'])([\w-]+)/g)) {
        if (m[1] !== "yes") offenders.push(`${f}: ${m[0]}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  test("ssh, scp, the port forwarder and ssh-config all pin the host key", async () => {
    const vm = openVm(loaded);
    const target = sshTarget(vm, await vmKeys(vm), "192.0.2.10");
    const guest = { side: "guest", path: `/tmp/${TOUCH}` } as const;
    for (const argv of [
      sshArgv(target, { command: ["true"] }),
      scpArgv(target, [guest], { side: "host", path: tmp }),
      forwarderArgv(target, [{ host: 8080, guest: 80, bind: "127.0.0.1" }]),
    ]) {
      expect(argv).toContain("StrictHostKeyChecking=yes");
      expect(argv).toContain(`UserKnownHostsFile=${target.knownHostsPath}`);
      expect(argv).toContain(`HostKeyAlias=${loaded.domainName}`);
    }
    const block = sshConfigBlock("inject", target);
    expect(block).toMatch(/^\s*StrictHostKeyChecking yes$/m);
    expect(block).not.toMatch(
      /StrictHostKeyChecking (no|accept-new)|UserKnownHostsFile \/dev\/null/,
    );
  });
});
