/**
 * The one error type rum shows to users. Everything the user can cause or fix
 * (bad config, missing tool, dead libvirt) becomes a RumError with an exit code
 * and a hint; anything else reaching main.ts is a bug and is reported as such.
 */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  /**
   * `exec`/`ssh`/`cp`: rum could not run the command (no VM, no address, bad
   * config). 125 as in `env`, `docker run` and `nix`: guest commands rarely
   * use it, 126/127 stay the guest's "not executable"/"not found", and 255
   * stays ssh's own failure.
   */
  cannotRun: 125,
  /** The reader of stdout went away: 128 + SIGPIPE, what `yes | head -0` gives. */
  brokenPipe: 141,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode] | number;

export class RumError extends Error {
  readonly exitCode: ExitCodeValue;
  readonly hint: string | undefined;
  /** Extra lines (e.g. one per config problem) printed under the message. */
  readonly details: readonly string[];

  constructor(
    message: string,
    opts: { exitCode?: ExitCodeValue; hint?: string; details?: string[]; cause?: unknown } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = "RumError";
    this.exitCode = opts.exitCode ?? ExitCode.failure;
    this.hint = opts.hint;
    this.details = opts.details ?? [];
  }
}

/** A config or command-line problem: exit code 2. */
export class UsageError extends RumError {
  constructor(message: string, opts: { hint?: string; details?: string[] } = {}) {
    super(message, { ...opts, exitCode: ExitCode.usage });
    this.name = "UsageError";
  }
}

export function isRumError(e: unknown): e is RumError {
  return e instanceof RumError;
}
