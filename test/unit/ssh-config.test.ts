/**
 * The `rum ssh-config` block, read back by OpenSSH itself (`ssh -G`) and used for a real
 * login against a loopback server that holds the VM's keys.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "pathe";
import { isMasterRunning, stopMaster } from "../../src/guest/master";
import { sshConfigBlock } from "../../src/guest/ssh-config";
import type { SshTarget } from "../../src/guest/ssh-target";
import { type FakeGuest, startFakeGuest } from "../support/sshd";

let tmp: string;
let guest: FakeGuest;
let configFile: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "rum-sshcfg-"));
  // Blanks, quotes and `%` in the paths: the block must quote and escape them for ssh.
  guest = await startFakeGuest(join(tmp, `it's "my" 100%`, "rum-cfg-1234abcd"));
  configFile = join(tmp, "ssh_config");
  await writeFile(configFile, sshConfigBlock("cfgvm", guest.target));
});

afterAll(async () => {
  await guest?.stop();
  await rm(tmp, { recursive: true, force: true });
});

/** `ssh -G` output as key → values (keys lower-cased; repeated keys collect). */
function resolved(args: string[]): Map<string, string[]> {
  const r = Bun.spawnSync(["ssh", "-G", ...args], { stdin: "ignore" });
  expect(r.exitCode).toBe(0);
  const out = new Map<string, string[]>();
  for (const line of r.stdout.toString().split("\n")) {
    const space = line.indexOf(" ");
    if (space < 0) continue;
    const key = line.slice(0, space).toLowerCase();
    out.set(key, [...(out.get(key) ?? []), line.slice(space + 1)]);
  }
  return out;
}

function expectPinnedSettings(g: Map<string, string[]>, t: SshTarget): void {
  expect(g.get("hostname")).toEqual([t.host]);
  expect(g.get("user")).toEqual([t.user]);
  expect(g.get("port")).toEqual([String(t.port)]);
  // -G prints identity files before %-expansion (which turns the escaped %% back into %).
  expect(g.get("identityfile")?.map((f) => f.replaceAll("%%", "%"))).toEqual([t.keyPath]);
  expect(g.get("identitiesonly")).toEqual(["yes"]);
  expect(g.get("userknownhostsfile")).toEqual([t.knownHostsPath]);
  expect(g.get("globalknownhostsfile")).toEqual(["/dev/null"]);
  expect(g.get("hostkeyalias")).toEqual([t.hostKeyAlias]);
  expect(g.get("stricthostkeychecking")).toEqual(["true"]);
  expect(g.get("controlmaster")).toEqual(["auto"]);
  expect(g.get("controlpath")).toEqual([t.controlPath]);
  expect(g.get("controlpersist")).toEqual(["600"]);
}

describe("sshConfigBlock", () => {
  test("is a Host block with the pinned settings", () => {
    const text = sshConfigBlock("cfgvm", guest.target);
    expect(text).toStartWith("Host cfgvm\n");
    expect(text).toContain("  StrictHostKeyChecking yes\n");
    expect(text).not.toMatch(/StrictHostKeyChecking no|UserKnownHostsFile \/dev\/null/i);
    expect(text).toContain(`  HostKeyAlias ${guest.target.hostKeyAlias}\n`);
    expect(text).not.toContain("ProxyJump");
    expect(text).toEndWith("\n");
  });

  test("ssh -G -F file name shows what rum uses", () => {
    expectPinnedSettings(resolved(["-F", configFile, "cfgvm"]), guest.target);
  });

  test("works when Included from another config, and only for its own name", async () => {
    const main = join(tmp, "main_config");
    await writeFile(main, `Include "${configFile}"\n\nHost *\n  User nobody-else\n`);
    expectPinnedSettings(resolved(["-F", main, "cfgvm"]), guest.target);
    expect(resolved(["-F", main, "othervm"]).get("hostkeyalias")).toBeUndefined();
  });

  test("adds ProxyJump when the guest is behind a jump host", () => {
    const text = sshConfigBlock("j", { ...guest.target, proxyJump: "admin@kvm-box:2222" });
    expect(text).toContain("  ProxyJump admin@kvm-box:2222\n");
  });

  test("rejects a name that is not a plain Host pattern", () => {
    expect(() => sshConfigBlock("a b", guest.target)).toThrow(/cannot write an ssh Host block/);
    expect(() => sshConfigBlock("vm*", guest.target)).toThrow(/cannot write an ssh Host block/);
  });

  test("`ssh -F file name true` logs in (fresh connection, then the master it leaves)", async () => {
    await stopMaster(guest.target);
    const login = (command: string) =>
      Bun.spawnSync(["ssh", "-F", configFile, "-o", "BatchMode=yes", "cfgvm", command], {
        stdin: "ignore",
      });
    const first = login("true");
    expect({ code: first.exitCode, stderr: first.stderr.toString() }).toEqual({
      code: 0,
      stderr: "",
    });
    expect(await isMasterRunning(guest.target)).toBe(true);
    const second = login("echo over-master");
    expect(second.stdout.toString()).toBe("over-master\n");
    expect(guest.sshd.log().split("Accepted publickey").length - 1).toBe(1);
  });
});
