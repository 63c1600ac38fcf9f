/**
 * Per-VM SSH key material, generated on the host before first boot:
 * - a client key pair (`id_ed25519`) whose public half goes into the guest's authorized_keys;
 * - a guest host key pair (`host_ed25519`) that the seed installs as the guest's sshd host key,
 *   so the host key is known before the guest ever answers and every ssh call can pin it.
 */
import { chmod, lstat, mkdir, readFile, rename, rm, stat } from "node:fs/promises";
import { basename, join, resolve } from "pathe";
import { RumError } from "../errors";
import { run } from "../host/proc";
import { writeFileAtomic } from "../util/atomic-write";

export interface VmKeys {
  /** Path of the client private key (for `ssh -i`). */
  clientKey: string;
  /** The client public key line (for the guest's authorized_keys). */
  clientPub: string;
  /** The guest's host key pair, as file contents (for cloud-init `ssh_keys`). */
  hostKey: { privateKey: string; publicKey: string };
  /** Per-VM known_hosts holding `<hostKeyAlias> <host public key>`. */
  knownHostsPath: string;
  hostKeyAlias: string;
}

/** Where a VM's keys live: what ssh is given, known without reading them. */
export type KeyPaths = Pick<VmKeys, "clientKey" | "knownHostsPath" | "hostKeyAlias">;

export function keyPaths(stateDir: string, hostKeyAlias: string): KeyPaths {
  const dir = resolve(stateDir);
  return {
    clientKey: join(dir, "id_ed25519"),
    knownHostsPath: join(dir, "known_hosts"),
    hostKeyAlias,
  };
}

export interface VmKeysOptions {
  /** Name the host key is pinned under (ssh `HostKeyAlias`); default: the state dir's base name. */
  hostKeyAlias?: string;
}

const PRIVATE_BEGIN = "-----BEGIN OPENSSH PRIVATE KEY-----";
const PRIVATE_END = "-----END OPENSSH PRIVATE KEY-----";

export async function ensureVmKeys(stateDir: string, opts: VmKeysOptions = {}): Promise<VmKeys> {
  const dir = resolve(stateDir);
  const alias = opts.hostKeyAlias ?? basename(dir);
  if (!/^[A-Za-z0-9._-]+$/.test(alias)) {
    throw new RumError(`invalid host key alias ${JSON.stringify(alias)}`, {
      hint: "use letters, digits, '.', '_' and '-' only (the domain name is such a name)",
    });
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const paths = keyPaths(dir, alias);
  const client = await ensureKeyPair(paths.clientKey, `rum-client@${alias}`);
  const host = await ensureKeyPair(join(dir, "host_ed25519"), `rum-host@${alias}`);
  await pinHostKey(paths.knownHostsPath, `${alias} ${host.publicKey}\n`);
  return {
    ...paths,
    clientPub: client.publicKey,
    hostKey: { privateKey: host.privateKey, publicKey: host.publicKey },
  };
}

interface KeyPair {
  path: string;
  privateKey: string;
  publicKey: string;
}

/** Reads an existing pair, or (re)generates it when missing or half-written (e.g. after Ctrl-C). */
async function ensureKeyPair(path: string, comment: string): Promise<KeyPair> {
  const existing = await readKeyPair(path);
  if (existing) {
    await chmod(path, 0o600);
    return existing;
  }
  // Generate under a temporary name so an interruption never leaves a pair that looks whole.
  const tmp = `${path}.tmp-${process.pid}`;
  await removePair(tmp);
  try {
    await run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", tmp]);
    await chmod(tmp, 0o600);
    await chmod(`${tmp}.pub`, 0o644);
    await removePair(path);
    // Private key last: a crash in between leaves a .pub without its private key,
    // which the next run detects as half-written and regenerates.
    await rename(`${tmp}.pub`, `${path}.pub`);
    await rename(tmp, path);
  } finally {
    await removePair(tmp);
  }
  const made = await readKeyPair(path);
  if (!made) throw new RumError(`ssh-keygen did not produce a usable key pair at ${path}`);
  return made;
}

async function readKeyPair(path: string): Promise<KeyPair | null> {
  const [privateKey, publicKey] = await Promise.all([readIfFile(path), readIfFile(`${path}.pub`)]);
  if (privateKey === null || publicKey === null) return null;
  const whole =
    privateKey.startsWith(PRIVATE_BEGIN) &&
    privateKey.trimEnd().endsWith(PRIVATE_END) &&
    /^ssh-ed25519 [A-Za-z0-9+/=]+( |$)/.test(publicKey);
  return whole ? { path, privateKey, publicKey: publicKey.trim() } : null;
}

async function readIfFile(path: string): Promise<string | null> {
  try {
    if (!(await stat(path)).isFile()) return null;
    return await readFile(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
}

async function removePair(path: string): Promise<void> {
  await Promise.all([rm(path, { force: true }), rm(`${path}.pub`, { force: true })]);
}

/**
 * known_hosts holds exactly the pinned key, mode 0600: rewritten when it does
 * not (a symlink included), left alone when it does: every `rum exec` comes
 * here, and then writes nothing.
 */
async function pinHostKey(path: string, line: string): Promise<void> {
  const [text, info] = await Promise.all([
    readFile(path, "utf8").catch(() => null),
    lstat(path).catch(() => null),
  ]);
  if (text === line && info?.isFile() && (info.mode & 0o777) === 0o600) return;
  await writeFileAtomic(path, line);
}
