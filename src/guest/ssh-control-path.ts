/**
 * Where the shared master connection's socket lives. A Unix socket path must fit in
 * sun_path (108 bytes with its NUL), and ssh first binds `<ControlPath>.<16 random chars>`
 * before renaming it into place, so the ControlPath itself may be at most 90 bytes;
 * beyond that ssh fails ("too long for Unix domain socket") instead of connecting.
 */
import { chmodSync, lstatSync, mkdirSync } from "node:fs";
import { join, resolve } from "pathe";
import { RumError } from "../errors";

export const MAX_CONTROL_PATH_BYTES = 107 - ".XXXXXXXXXXXXXXXX".length;

/** `<stateDir>/ssh.sock` when short enough, else `/tmp/rum-<uid>/<sha256(domain)[0:16]>.sock`. */
export function controlPathFor(stateDir: string, domainName: string): string {
  const preferred = join(resolve(stateDir), "ssh.sock");
  if (Buffer.byteLength(preferred) <= MAX_CONTROL_PATH_BYTES) return preferred;
  const dir = privateTmpDir();
  const hash = new Bun.CryptoHasher("sha256").update(domainName).digest("hex").slice(0, 16);
  return join(dir, `${hash}.sock`);
}

/** `/tmp/rum-<uid>`, 0700 and ours: another user must not be able to plant sockets there. */
function privateTmpDir(): string {
  const uid = process.getuid?.() ?? 0;
  const dir = `/tmp/rum-${uid}`;
  mkdirSync(dir, { mode: 0o700, recursive: true });
  const st = lstatSync(dir);
  if (!st.isDirectory() || st.uid !== uid) {
    throw new RumError(`${dir} is not a directory owned by you`, {
      hint: `remove ${dir} (rum keeps ssh control sockets there when the state path is long)`,
    });
  }
  if ((st.mode & 0o777) !== 0o700) chmodSync(dir, 0o700);
  return dir;
}
