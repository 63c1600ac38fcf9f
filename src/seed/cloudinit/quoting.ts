/**
 * Quoting for the text formats the seed's guest scripts write: shell words and
 * fstab fields. Every config value that reaches a generated script goes
 * through one of these, so a path or name can't become code.
 */

/** One POSIX shell word: single-quoted unless it's made of obviously inert characters. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

export function shellWords(words: readonly string[]): string {
  return words.map(shellQuote).join(" ");
}

/**
 * One fstab field (fstab(5)): whitespace and backslashes in a spec or mount
 * point are written as octal escapes, which mount(8) and systemd decode.
 */
export function fstabField(value: string): string {
  return value.replace(/[\\ \t\n]/g, (ch) => `\\${ch.charCodeAt(0).toString(8).padStart(3, "0")}`);
}

/**
 * One argument of a systemd Exec= line (systemd.service(5)): `%` starts a
 * specifier and `$` a variable, so both are doubled; anything unusual is quoted.
 */
export function systemdExecWord(word: string): string {
  const escaped = word.replaceAll("%", "%%").replaceAll("$", () => "$$");
  if (/^[A-Za-z0-9_@%+=:,./$-]+$/.test(escaped)) return escaped;
  return `"${escaped.replace(/[\\"]/g, (ch) => `\\${ch}`)}"`;
}
