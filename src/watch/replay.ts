/**
 * The guest side of the inotify replay: one long-lived `bash` (over the VM's SSH
 * master) reading records from stdin, so a change costs a few bytes, not an ssh.
 * A record is three NUL-terminated fields — op, absolute guest path, mtime — so
 * no file name is ever parsed by a shell (NUL is the one byte a name cannot hold).
 *
 * What the guest's inotify then sees, without the file's content or mtime changing:
 * - touch (created or modified): IN_OPEN + IN_CLOSE_WRITE (a `dd` that opens the
 *   file for writing, without creating or truncating it, and writes nothing), then
 *   IN_MODIFY (`touch -m` to the mtime the host gave it: setting the mtime alone is
 *   reported as a modification);
 * - delete: IN_CREATE + IN_DELETE of the name (`mkdir` + `rmdir`: mkdir fails when
 *   the name exists again, and rmdir only removes that empty folder, so nothing the
 *   host wrote meanwhile can be lost).
 * A rename arrives as the old name's delete and the new name's touch.
 *
 * virtiofs caches names in the guest for about a second, so right after a change
 * the guest may still see a deleted name (or not yet a new one). A record whose
 * name is not yet as the host says is retried every 0.2 s for 2 s, without holding
 * up the records behind it.
 */
import type { Replay } from "./queue";

export const GUEST_REPLAY_SCRIPT = `
ops=() paths=() times=() due=() carry=
now() { echo "\${EPOCHREALTIME//[!0-9]/}"; }
apply() {
  case $1 in
    t) [ -e "$2" ] || return 1
       if [ -f "$2" ]; then dd if=/dev/null of="$2" conv=notrunc,nocreat status=none 2>/dev/null; fi
       touch -c -m -d "@$3" -- "$2" 2>/dev/null ;;
    d) [ -e "$2" ] && return 1
       if mkdir -- "$2" 2>/dev/null; then rmdir -- "$2"; fi ;;
  esac
  return 0
}
retry() {
  local t i
  t=$(now)
  for i in "\${!ops[@]}"; do
    if apply "\${ops[i]}" "\${paths[i]}" "\${times[i]}" || (( t > due[i] )); then
      unset 'ops[i]' 'paths[i]' 'times[i]' 'due[i]'
    fi
  done
}
while :; do
  # Blocks while nothing waits for a retry: an idle guest pays nothing.
  if (( \${#ops[@]} )); then wait=0.2; else wait=; fi
  if IFS= read -r -d '' \${wait:+-t "$wait"} op; then
    op=$carry$op carry=
    IFS= read -r -d '' p && IFS= read -r -d '' m || break
    if ! apply "$op" "$p" "$m"; then
      ops+=("$op") paths+=("$p") times+=("$m") due+=($(( $(now) + 2000000 )))
    fi
  elif (( $? > 128 )); then
    carry+=$op
  else
    break
  fi
  if (( \${#ops[@]} )); then retry; fi
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
