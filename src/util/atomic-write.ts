/**
 * Write-then-rename: a reader (another rum, a crash's next run) sees the old
 * file or the new one, never half of one. The temporary name is hidden and
 * per-process, so two writers never share one and listings skip it.
 */
import { chmod, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "pathe";

/** `mode` is set exactly (not narrowed by the umask): 0600 unless the file is meant to be shared. */
export async function writeFileAtomic(path: string, text: string, mode = 0o600): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    await writeFile(tmp, text, { mode });
    await chmod(tmp, mode);
    await rename(tmp, path);
  } catch (e) {
    // A full disk or a permission error leaves nothing behind but the old file.
    await rm(tmp, { force: true });
    throw e;
  }
}

/** Pretty JSON with a final newline, as every rum state file is written. */
export function writeJsonAtomic(path: string, value: unknown, mode = 0o600): Promise<void> {
  return writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, mode);
}
