// `[cloud_init]` user-data merged into rum's seed: what is appended, what is
// refused and why, YAML 1.1/1.2 traps, and the two-part MIME message for a
// script, each checked by Debian 12's cloud-init itself (schema, and its own
// UserDataProcessor for the MIME message).
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  instanceId,
  PROVISION_RUNNER,
  parseExtraUserData,
  RESERVED_KEYS,
  type SeedInput,
  userData,
} from "../../src/seed/cloudinit";

setDefaultTimeout(60_000);

const PYTHON = "/usr/bin/python3";
const CLOUD_INIT = "/usr/bin/cloud-init";
let tmp = "";

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "rum-user-extra-"));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

function input(extraUserData?: string): SeedInput {
  return {
    hostname: "box",
    user: {
      name: "rum",
      groups: [],
      authorizedKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA rum"],
    },
    hostKey: { type: "ed25519", privateKey: "PRIVATE\n", publicKey: "ssh-ed25519 AAAA host" },
    autologin: false,
    mounts: [],
    drives: [],
    filesystems: [],
    provision: { system: "echo system" },
    nics: [{ mac: "52:54:00:12:34:56" }],
    ...(extraUserData === undefined ? {} : { extraUserData }),
  };
}

async function schemaCheck(text: string): Promise<{ exitCode: number; output: string }> {
  const file = join(tmp, `user-data-${Bun.hash(text)}`);
  await Bun.write(file, text);
  const run = Bun.spawnSync([CLOUD_INIT, "schema", "--config-file", file]);
  return { exitCode: run.exitCode, output: run.stdout.toString() + run.stderr.toString() };
}

const USER_DOC = `#cloud-config
packages: [htop, "jq"]
package_update: true
timezone: Europe/Paris
bootcmd:
  - echo early
write_files:
  - path: /etc/peer.conf
    content: |
      on
      0644
    permissions: "0600"
runcmd:
  - [sh, -c, "echo ran > /var/tmp/ok"]
  - touch /var/tmp/second
`;

describe("a #cloud-config document", () => {
  test("merges: lists after rum's, package_update replaced, other keys added; cloud-init's schema accepts it", async () => {
    const text = userData(input(USER_DOC));
    expect((await schemaCheck(text)).output).toContain("Valid cloud-config");
    // biome-ignore lint/suspicious/noExplicitAny: parsed YAML is walked freely.
    const doc: any = Bun.YAML.parse(text);
    const rum: typeof doc = Bun.YAML.parse(userData(input()));
    expect(doc.runcmd).toEqual([
      ...rum.runcmd,
      ["sh", "-c", "echo ran > /var/tmp/ok"],
      "touch /var/tmp/second",
    ]);
    expect(doc.runcmd[0]).toEqual([PROVISION_RUNNER, "system", "--once"]);
    expect(doc.write_files.slice(0, -1)).toEqual(rum.write_files);
    expect(doc.write_files.at(-1)).toEqual({
      path: "/etc/peer.conf",
      content: "on\n0644\n",
      permissions: "0600",
    });
    expect(doc.bootcmd).toEqual(["echo early"]);
    expect(doc.packages).toEqual(["htop", "jq"]);
    expect(doc).toMatchObject({
      package_update: true,
      package_upgrade: false,
      timezone: "Europe/Paris",
    });
    expect(doc.users).toEqual(rum.users);
    expect(doc.ssh_keys).toEqual(rum.ssh_keys);
  });

  test("changes the instance id, so cloud-init applies it", () => {
    expect(instanceId(input(USER_DOC))).not.toBe(instanceId(input()));
  });

  test("every key rum relies on is refused, named, with its line and why", () => {
    for (const key of Object.keys(RESERVED_KEYS)) {
      const r = parseExtraUserData(`#cloud-config\npackages: [htop]\n${key}: x\n`);
      expect(r.extra).toBeUndefined();
      expect(r.problems).toEqual([
        { path: [key], line: 3, message: expect.stringMatching(/^is set by rum: /) },
      ]);
    }
    for (const key of ["users", "ssh_keys", "hostname", "fqdn", "network", "manage_etc_hosts"])
      expect(RESERVED_KEYS).toHaveProperty(key);
  });

  test("write_files into rum's provisioning files is refused", () => {
    for (const path of [
      PROVISION_RUNNER,
      "/var/lib/rum/provision-system.done",
      "/etc/systemd/system/rum-provision-boot.service",
      "/run/rum/../rum/x",
    ]) {
      const r = parseExtraUserData(
        `#cloud-config\nwrite_files:\n  - content: x\n    path: ${path}\n`,
      );
      expect(r.problems).toEqual([
        {
          path: ["write_files", 0, "path"],
          line: 4,
          message: expect.stringContaining("belongs to rum's"),
        },
      ]);
    }
  });

  test("lists rum appends to must be lists", () => {
    const r = parseExtraUserData("#cloud-config\nruncmd: echo hi\n");
    expect(r.problems).toEqual([
      { path: ["runcmd"], line: 2, message: expect.stringContaining("must be a list") },
    ]);
  });

  test("plain scalars YAML 1.1 (cloud-init) reads differently are refused; quoted or in a block they are fine", () => {
    const r = parseExtraUserData(
      "#cloud-config\nwrite_files:\n  - path: /a\n    permissions: 0644\n    defer: yes\nruncmd:\n  - [echo, on, 1:20]\n  - 2024-01-01\nfoo: 1e3\n",
    );
    expect(r.problems.map((p) => [p.line, p.message.split(" ")[0]])).toEqual([
      [4, "`0644`"],
      [5, "`yes`"],
      [7, "`on`"],
      [7, "`1:20`"],
      [8, "`2024-01-01`"],
      [9, "`1e3`"],
    ]);
    const fine = parseExtraUserData(
      "#cloud-config\nwrite_files:\n  - path: /a\n    permissions: '0644'\n    content: |\n      yes\n      0644\nruncmd:\n  - [echo, \"on\"] # yes\n",
    );
    expect(fine.problems).toEqual([]);
  });

  test("neither #cloud-config nor #!, several documents, or not a mapping: refused", () => {
    for (const text of [
      "packages: [a]\n",
      "#cloud-config\na: 1\n---\nb: 2\n",
      "#cloud-config\n- a\n",
      "",
    ])
      expect(parseExtraUserData(text).problems.length).toBe(1);
    expect(parseExtraUserData("#cloud-config\n").problems).toEqual([]);
  });
});

describe("a #! script", () => {
  test("becomes a second MIME part that Debian 12's cloud-init splits back out byte for byte", async () => {
    const script = "#!/bin/sh\necho 'héllo' > /var/tmp/script-ok\n";
    const text = userData(input(script));
    expect(text).toStartWith("Content-Type: multipart/mixed;");
    const program = `
import json, sys
from cloudinit import user_data as ud, util
msg = ud.UserDataProcessor({}).process(sys.stdin.buffer.read())
print(json.dumps([[p.get_content_type(), util.fully_decoded_payload(p)] for p in msg.walk() if p.get_content_maintype() != "multipart"]))`;
    const run = Bun.spawnSync([PYTHON, "-c", program], { stdin: Buffer.from(text) });
    expect(run.stderr.toString()).toBe("");
    const parts: [string, string][] = JSON.parse(run.stdout.toString());
    expect(parts.map((p) => p[0])).toEqual(["text/cloud-config", "text/x-shellscript"]);
    expect(parts[1]?.[1]).toBe(script);
    expect(parts[0]?.[1]).toBe(userData(input()));
    expect((await schemaCheck(parts[0]?.[1] ?? "")).exitCode).toBe(0);
    // Deterministic: the same input gives the same bytes (the seed's hash names its volume).
    expect(userData(input(script))).toBe(text);
  });
});
