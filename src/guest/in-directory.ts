/**
 * A guest command run from a folder (rum exec's default mount). The folder
 * and the command stay separate argv words all the way to the guest's shell:
 * `cd "$1"` then `exec "$@"`, so no path or argument is ever re-parsed.
 * 126 when the folder is gone, as a shell says for "cannot execute".
 */
export function inDirectory(dir: string | undefined, command: string[]): string[] {
  if (!dir) return command;
  return ["sh", "-c", 'cd "$1" || exit 126; shift; exec "$@"', "rum-exec", dir, ...command];
}
