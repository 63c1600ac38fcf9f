/**
 * The guest side of the inotify replay: one long-lived `bash` (over the VM's SSH
 * master) reading records from stdin, so a change costs a few bytes, not an ssh.
 * A record is three NUL-terminated fields — op, absolute guest path, mtime — so
 * no file name is ever parsed by a shell (NUL is the one byte a name cannot hold).
 *
 * What the guest's inotify then sees, without the file's content or mtime changing:
 * - touch (created or modified): IN_OPEN + IN_CLOSE_WRITE (a `dd` that opens the
 *   file for writing, without creating or truncating it, and writes nothing), then
 *   IN_ATTRIB (`touch -m` to the mtime the host gave it);
 * - delete: IN_CREATE + IN_DELETE of the name (`mkdir` + `rmdir`: mkdir fails when
 *   the name exists again, and rmdir only removes that empty folder, so nothing the
 *   host wrote meanwhile can be lost).
 * A rename arrives as the old name's delete and the new name's touch.
 */
import type { Replay } from "./queue";

export const GUEST_REPLAY_SCRIPT = `
while IFS= read -r -d '' op && IFS= read -r -d '' p && IFS= read -r -d '' m; do
  case $op in
    t) if [ -f "$p" ]; then dd if=/dev/null of="$p" conv=notrunc,nocreat status=none 2>/dev/null; fi
       touch -c -m -d "@$m" -- "$p" 2>/dev/null ;;
    d) if [ ! -e "$p" ] && mkdir -- "$p" 2>/dev/null; then rmdir -- "$p"; fi ;;
  esac
done
`;

/** `[ns]` → `seconds.nanoseconds`, the `@` form GNU touch -d reads exactly. */
export function touchTime(mtimeNs: bigint): string {
  const s = mtimeNs / 1_000_000_000n;
  const ns = mtimeNs % 1_000_000_000n;
  return `${s}.${ns.toString().padStart(9, "0")}`;
}

/** The records for one batch; `toGuest` maps a host path to the guest's. */
export function encodeReplays(replays: readonly Replay[], toGuest: (p: string) => string): string {
  return replays
    .map((r) =>
      r.op === "touch"
        ? `t\0${toGuest(r.path)}\0${touchTime(r.mtimeNs)}\0`
        : `d\0${toGuest(r.path)}\0\0`,
    )
    .join("");
}
