/**
 * Several virsh commands in one virsh process (one libvirt connection): each
 * virsh process costs a connection handshake, which is most of a simple
 * query's time. virsh parses `cmd1; cmd2` itself (its own quoting, no shell),
 * runs every command even after one fails, and exits with the last one's
 * status; so each command is followed by a marker echoed to stdout and to
 * stderr, and a command's answer is what lies between its markers.
 */

export interface BatchAnswer {
  /** The command as given (for messages). */
  args: string[];
  ok: boolean;
  stdout: string;
  /** This command's `error: …` lines (empty when ok). */
  stderr: string;
}

/** Words virsh's parser takes literally without quotes. */
const PLAIN = /^[A-Za-z0-9_.:/@=+,-]+$/;

/** Whether quoteForVirsh can pass this argument (no quote, no control character). */
export function batchable(arg: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  return !arg.includes("'") && !/[\u0000-\u001f\u007f]/.test(arg);
}

/** One argument as virsh's parser reads it back: single quotes are literal. */
export function quoteForVirsh(arg: string): string {
  if (PLAIN.test(arg)) return arg;
  if (!batchable(arg)) {
    throw new Error(`bug: ${JSON.stringify(arg)} cannot be passed to virsh in a batch`);
  }
  return `'${arg}'`;
}

/** A marker no command's output contains by accident. */
export function newMarker(): string {
  return `@@rum-${crypto.randomUUID().replaceAll("-", "")}@@`;
}

/** Commands as one argv element for virsh's own parser: `cmd1; cmd2; …`. */
export function virshScript(commands: readonly string[][]): string {
  return commands.map((c) => c.map(quoteForVirsh).join(" ")).join("; ");
}

/** The script of a batch: each command followed by `echo M; echo --err M`. */
export function batchScript(commands: readonly string[][], marker: string): string {
  return virshScript(commands.flatMap((c) => [c, ["echo", marker], ["echo", "--err", marker]]));
}

/** Linux caps one argv element at 128 KiB; a script stays well below. */
const MAX_SCRIPT_BYTES = 64 * 1024;

/**
 * The commands in runs whose scripts fit one argv element (one run, one
 * process, in every real case: `rum status --all` on hundreds of domains is
 * the exception).
 */
export function scriptSized(commands: readonly string[][]): string[][][] {
  const parts: string[][][] = [];
  let part: string[][] = [];
  let bytes = 0;
  for (const c of commands) {
    // The command, its two markers (≤ 60 bytes each) and the separators.
    const size = virshScript([c]).length + 130;
    if (part.length > 0 && bytes + size > MAX_SCRIPT_BYTES) {
      parts.push(part);
      part = [];
      bytes = 0;
    }
    part.push(c);
    bytes += size;
  }
  if (part.length > 0) parts.push(part);
  return parts;
}

/**
 * Split virsh's output into one answer per command, or null when virsh did
 * not get through all of them (no connection: it exits before the first).
 */
export function splitBatch(
  commands: readonly string[][],
  marker: string,
  stdout: string,
  stderr: string,
): BatchAnswer[] | null {
  const outs = stdout.split(marker);
  // virsh's echo ends its line on stderr; on stdout under -q it may not.
  const errs = stderr.split(`error: ${marker}\n`);
  // Each command leaves one marker behind it, so n commands make n + 1 pieces.
  if (outs.length !== commands.length + 1 || errs.length !== commands.length + 1) return null;
  return commands.map((args, i) => {
    const err = (errs[i] ?? "").trim();
    return {
      args: [...args],
      ok: !/^error: /m.test(err),
      stdout: (outs[i] ?? "").replace(/^\n/, ""),
      stderr: err,
    };
  });
}
