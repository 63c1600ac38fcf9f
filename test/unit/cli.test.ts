// The command-line frame, through the compiled binary: help, version, misuse.
// Every misuse is exit 2 with a one-paragraph error and a hint, never a stack trace.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "pathe";
import { readIso } from "../../src/seed/iso9660/reader";
import { rumBinary } from "../support/binary";

let dir = "";
const rum = (...args: string[]) => {
  const r = Bun.spawnSync([rumBinary(), ...args], {
    cwd: dir,
    env: { ...process.env, HOME: dir, XDG_DATA_HOME: join(dir, "data"), NO_COLOR: "1" },
    stdin: "ignore",
  });
  return { code: r.exitCode, out: r.stdout.toString(), err: r.stderr.toString() };
};
const noTrace = (text: string) => expect(text).not.toMatch(/^\s+at .+:\d+/m);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "rum-cli-"));
  writeFileSync(join(dir, "rum.toml"), '[image]\nbase = "./disk.qcow2"\n[user]\nname = "dev"\n');
  // Validation checks that a local image exists; these commands never read it.
  writeFileSync(join(dir, "disk.qcow2"), "");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("help and version", () => {
  test("--version prints version and revision on stdout", () => {
    const r = rum("--version");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^rum \d+\.\d+\.\d+ \([0-9a-f]+|unknown\)/);
  });
  test("--help lists every command; a verb's --help shows its flags", () => {
    const all = rum("--help");
    expect(all.code).toBe(0);
    for (const verb of [
      "up",
      "down",
      "destroy",
      "status",
      "exec",
      "ssh-config",
      "validate",
      "doctor",
    ]) {
      expect(all.out).toContain(verb);
    }
    const up = rum("up", "--help");
    expect(up.code).toBe(0);
    expect(up.out).toContain("--detach");
    expect(up.out).toContain("--reset");
  });
  test("no command at all is a usage error that shows the usage", () => {
    const r = rum();
    expect(r.code).toBe(2);
    expect(r.err).toContain("USAGE");
  });
});

// exec, ssh and cp exit with the guest's code, so rum's own misuse there is 125.
describe("misuse is exit 2 (125 for exec/cp) with a hint", () => {
  const cases: [string, string[], RegExp, number?][] = [
    ["unknown command", ["frobnicate"], /unknown command `frobnicate`/],
    ["typo'd command", ["stauts"], /did you mean "status"/],
    ["unknown flag", ["status", "--jsn"], /unknown option --jsn .*did you mean "--json"/],
    ["unknown short flag", ["up", "-x"], /unknown option -x/],
    ["exec without a command", ["exec"], /needs a command/, 125],
    ["exec with an empty --", ["exec", "--"], /needs a command/, 125],
    ["cp with one path", ["cp", "a"], /Missing required positional argument: DST/i, 125],
    ["cp host to host", ["cp", "a", "b"], /both paths are on the host/, 125],
    ["bad --timeout", ["down", "--timeout", "soon"], /--timeout must be a number/],
    ["config that is a directory", ["validate", "-c", "."], /directory/],
    ["missing config", ["status", "-c", "nope.toml"], /nope\.toml/],
    ["completions for an unknown shell", ["completions", "tcsh"], /bash\|zsh\|fish/],
    ["destroy without a terminal or --yes", ["destroy"], /--yes/],
  ];
  for (const [name, args, message, code = 2] of cases) {
    test(name, () => {
      const r = rum(...args);
      expect(r.code).toBe(code);
      expect(r.err).toMatch(message);
      expect(r.err).toContain("hint:");
      noTrace(r.err);
    });
  }
});

test("a config the user may not read: exit 2 naming the file and permissions", () => {
  // Root reads a mode-000 file anyway, so as root the binary runs as `nobody`.
  const d = mkdtempSync(join(tmpdir(), "rum-unreadable-"));
  try {
    chmodSync(d, 0o755);
    const bin = join(d, "rum");
    copyFileSync(rumBinary(), bin);
    chmodSync(bin, 0o755);
    const file = join(d, "rum.toml");
    writeFileSync(file, '[image]\nbase = "./disk.qcow2"\n');
    chmodSync(file, 0);
    const asUser = process.getuid?.() === 0 ? ["runuser", "-u", "nobody", "--"] : [];
    const r = Bun.spawnSync([...asUser, bin, "validate", "-c", file], {
      cwd: d,
      env: { PATH: process.env.PATH ?? "", HOME: d, NO_COLOR: "1" },
    });
    const err = r.stderr.toString();
    expect(r.exitCode).toBe(2);
    expect(err).toContain(`cannot read ${file}`);
    expect(err).toMatch(/permission/i);
    expect(err).toContain("hint:");
    noTrace(err);
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});

describe("remote libvirt", () => {
  test("[[mounts]] are refused for a remote URI before anything is contacted", () => {
    writeFileSync(
      join(dir, "remote.toml"),
      '[image]\nbase = "./disk.qcow2"\n[advanced]\nlibvirt_uri = "qemu+ssh://nobody@192.0.2.1/system"\n[[mounts]]\nsource = "."\ntarget = "/src"\n',
    );
    const r = rum("up", "-d", "-c", "remote.toml");
    expect(r.code).toBe(2);
    expect(r.err).toContain("remote libvirt host");
    expect(r.err).toContain("hint:");
  });
});

describe("dump-iso", () => {
  test("writes the seed files as rum's ISO reader sees them", () => {
    const out = join(dir, "seed");
    const r = rum("dump-iso", out);
    expect(r.code).toBe(0);
    expect(r.out.split("\n").filter(Boolean).sort()).toEqual([
      "meta-data",
      "network-config",
      "user-data",
    ]);
    const userData = Bun.file(join(out, "user-data"));
    return userData.text().then(async (text) => {
      expect(text.startsWith("#cloud-config\n")).toBe(true);
      expect(text).toContain("name: dev");
      const iso = readIso(new Uint8Array(await Bun.file(join(out, "seed.iso")).arrayBuffer()));
      expect(iso.volumeId).toBe("CIDATA");
      expect(new TextDecoder().decode(iso.files.get("user-data"))).toBe(text);
      const isoinfo = Bun.spawnSync([
        "isoinfo",
        "-R",
        "-x",
        "/user-data",
        "-i",
        join(out, "seed.iso"),
      ]);
      expect(isoinfo.stdout.toString()).toBe(text);
    });
  });
});
