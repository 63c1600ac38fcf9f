// `[cloud_init]` through the compiled binary: `rum validate` refuses what would
// break rum (exit 2, key path, the line in rum.toml or in the file, why),
// `rum dump-iso` shows the merged document, and a changed file is a new seed.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rumBinary } from "../support/binary";

setDefaultTimeout(60_000);
let tmp = "";
let rum = "";
let n = 0;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "rum-cloud-init-cli-"));
  rum = rumBinary();
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

function run(dir: string, ...args: string[]) {
  const p = Bun.spawnSync([rum, ...args], {
    cwd: dir,
    stdin: "ignore",
    env: { ...process.env, XDG_DATA_HOME: join(tmp, "data"), NO_COLOR: "1" },
  });
  return { code: p.exitCode, out: p.stdout.toString(), err: p.stderr.toString() };
}

async function project(toml: string, files: Record<string, string | Uint8Array> = {}) {
  const dir = join(tmp, `p${n++}`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "rum.toml"), `[image]\nbase = "debian-12"\n\n${toml}`);
  for (const [name, data] of Object.entries(files)) await writeFile(join(dir, name), data);
  return dir;
}

describe("rum validate", () => {
  test("a key rum relies on: exit 2, its path, its line in rum.toml, and why", async () => {
    const dir = await project(
      '[cloud_init]\nuser_data = """\n#cloud-config\npackages: [htop]\nusers:\n  - name: bob\n"""\n',
    );
    const r = run(dir, "validate");
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err).toContain(
      "  cloud_init.user_data.users: is set by rum: rum creates its user with its SSH keys: use [user] and [ssh] authorized_keys (line 8)",
    );
  });

  test("from user_data_file: the file's line is named", async () => {
    const dir = await project('[cloud_init]\nuser_data_file = "ci/user.yaml"\n');
    await mkdir(join(dir, "ci"));
    await writeFile(join(dir, "ci/user.yaml"), "#cloud-config\nruncmd: [ls]\nhostname: other\n");
    const r = run(dir, "validate", "--json");
    expect(r.code).toBe(2);
    expect(JSON.parse(r.out).errors).toEqual([
      {
        path: "cloud_init.user_data.hostname",
        message: expect.stringMatching(/^is set by rum: .* \(line 3 of ci\/user\.yaml\)$/),
        line: 5,
      },
    ]);
  });

  test("both keys, a missing file, a file over 1 MiB (not even read): exit 2 naming the key", async () => {
    const both = await project('[cloud_init]\nuser_data = "#!/bin/sh"\nuser_data_file = "x"\n');
    expect(run(both, "validate").err).toContain(
      "cloud_init.user_data_file: cannot be used together with cloud_init.user_data",
    );
    const missing = await project('[cloud_init]\nuser_data_file = "nope.yaml"\n');
    const r = run(missing, "validate");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cloud_init\.user_data_file: cannot read .*nope\.yaml/);
    const big = await project('[cloud_init]\nuser_data_file = "big"\n', {
      big: new Uint8Array(2 ** 20 + 1).fill(0xff),
    });
    const b = run(big, "validate");
    expect(b.code).toBe(2);
    expect(b.err).toContain("is 1.0 MiB (the limit is 1 MiB)");
  });

  test("a YAML 1.1 trap is refused with the line", async () => {
    const dir = await project(
      "[cloud_init]\nuser_data = '''\n#cloud-config\nwrite_files:\n  - path: /etc/x\n    permissions: 0644\n'''\n",
    );
    const r = run(dir, "validate");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cloud_init\.user_data: `0644` reads as an octal number .*\(line 9\)/);
  });
});

describe("rum dump-iso", () => {
  test("shows the merged document; a changed file makes a new instance", async () => {
    const doc = "#cloud-config\nruncmd:\n  - [touch, /var/tmp/from-user]\n";
    const dir = await project('[cloud_init]\nuser_data_file = "user.yaml"\n', { "user.yaml": doc });
    expect(run(dir, "validate").code).toBe(0);
    const dump = async (out: string) => {
      const r = run(dir, "dump-iso", "--connect", "test:///default", join(dir, out));
      expect(r.code).toBe(0);
      return {
        userData: await readFile(join(dir, out, "user-data"), "utf8"),
        metaData: await readFile(join(dir, out, "meta-data"), "utf8"),
      };
    };
    const first = await dump("a");
    expect(first.userData).toStartWith("#cloud-config\n");
    expect(first.userData).toContain("users:\n  - name: rum");
    expect(first.userData).toMatch(/runcmd:\n(.|\n)* {2}- - touch\n {4}- \/var\/tmp\/from-user\n/);
    await writeFile(join(dir, "user.yaml"), doc.replace("from-user", "changed"));
    const second = await dump("b");
    expect(second.userData).toContain("/var/tmp/changed");
    expect(second.metaData).not.toBe(first.metaData);
  });
});
