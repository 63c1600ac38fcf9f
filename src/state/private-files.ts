/**
 * How rum writes files that may hold secrets (keys, seeds with the guest's
 * private host key, domain XML): 0600 in folders created 0700, whatever the
 * umask, and a file that existed before is narrowed too (writeFile's mode
 * only applies when it creates the file).
 */
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { dirname } from "pathe";

/** A folder only its owner may enter; rum's own folders are narrowed even if they exist. */
export async function privateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
}

/** Write `data` as an owner-only file; missing parent folders are created 0700. */
export async function writePrivate(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFile(path, data, { mode: 0o600 });
  await chmod(path, 0o600);
}
