import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "pathe";
import { ensureVmKeys } from "../../src/guest/keys";

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "rum-keys-"));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const mode = async (path: string) => (await stat(path)).mode & 0o777;

async function keygenPublic(privateKeyPath: string): Promise<string> {
  const p = Bun.spawnSync(["ssh-keygen", "-y", "-f", privateKeyPath]);
  return p.stdout.toString().trim();
}

describe("ensureVmKeys", () => {
  test("creates the state dir 0700, two ed25519 pairs with tight modes, and known_hosts", async () => {
    const stateDir = join(tmp, "deep", "rum-demo-1234abcd");
    const keys = await ensureVmKeys(stateDir);
    expect(await mode(stateDir)).toBe(0o700);
    expect(keys.clientKey).toBe(join(stateDir, "id_ed25519"));
    expect(await mode(keys.clientKey)).toBe(0o600);
    expect(await mode(`${keys.clientKey}.pub`)).toBe(0o644);
    expect(await mode(join(stateDir, "host_ed25519"))).toBe(0o600);
    expect(await mode(join(stateDir, "host_ed25519.pub"))).toBe(0o644);

    expect(keys.clientPub).toStartWith("ssh-ed25519 ");
    expect(keys.hostKey.publicKey).toStartWith("ssh-ed25519 ");
    expect(keys.hostKey.privateKey).toStartWith("-----BEGIN OPENSSH PRIVATE KEY-----");
    // The returned strings are the real pairs: the private halves derive the public ones.
    expect(keys.clientPub).toStartWith(await keygenPublic(keys.clientKey));
    expect(keys.hostKey.publicKey).toStartWith(await keygenPublic(join(stateDir, "host_ed25519")));
    expect(keys.clientPub).not.toBe(keys.hostKey.publicKey);

    expect(keys.hostKeyAlias).toBe("rum-demo-1234abcd");
    expect(keys.knownHostsPath).toBe(join(stateDir, "known_hosts"));
    expect(await readFile(keys.knownHostsPath, "utf8")).toBe(
      `rum-demo-1234abcd ${keys.hostKey.publicKey}\n`,
    );
    expect(await mode(keys.knownHostsPath)).toBe(0o600);
  });

  test("is idempotent: a second call returns the same keys", async () => {
    const stateDir = join(tmp, "idem");
    const first = await ensureVmKeys(stateDir, { hostKeyAlias: "vm-alias" });
    const second = await ensureVmKeys(stateDir, { hostKeyAlias: "vm-alias" });
    expect(second).toEqual(first);
    expect(await readFile(first.knownHostsPath, "utf8")).toStartWith("vm-alias ssh-ed25519 ");
  });

  test("regenerates a half-written pair (private without .pub, .pub without private, truncated)", async () => {
    const stateDir = join(tmp, "half");
    const original = await ensureVmKeys(stateDir);

    await rm(`${original.clientKey}.pub`);
    const a = await ensureVmKeys(stateDir);
    expect(a.clientPub).not.toBe(original.clientPub);
    expect(a.clientPub).toStartWith(await keygenPublic(a.clientKey));
    expect(a.hostKey).toEqual(original.hostKey); // the intact pair is kept

    await rm(join(stateDir, "host_ed25519"));
    const b = await ensureVmKeys(stateDir);
    expect(b.hostKey.publicKey).not.toBe(original.hostKey.publicKey);
    expect(await readFile(b.knownHostsPath, "utf8")).toContain(b.hostKey.publicKey);

    const privateKey = await readFile(b.clientKey, "utf8");
    await writeFile(b.clientKey, privateKey.slice(0, 100), { mode: 0o600 });
    const c = await ensureVmKeys(stateDir);
    expect(c.clientPub).not.toBe(b.clientPub);
    expect(c.clientPub).toStartWith(await keygenPublic(c.clientKey));
  });

  test("leaves no temporary files behind", async () => {
    const stateDir = join(tmp, "clean");
    await ensureVmKeys(stateDir);
    const files = (await Array.fromAsync(new Bun.Glob("*").scan({ cwd: stateDir }))).sort();
    expect(files).toEqual([
      "host_ed25519",
      "host_ed25519.pub",
      "id_ed25519",
      "id_ed25519.pub",
      "known_hosts",
    ]);
  });

  test("rejects an alias that cannot be a known_hosts name", async () => {
    await expect(ensureVmKeys(join(tmp, "bad"), { hostKeyAlias: "a b" })).rejects.toThrow(
      /invalid host key alias/,
    );
  });
});
