/**
 * How a failed command ends: one paragraph on stderr (message, details,
 * hint), with --json also one `{ok: false, error}` document on stdout, and a
 * documented exit code. A stack trace only with -v, and only for rum's bugs.
 */
import { ConfigError, problemJson } from "../config/problems";
import { ExitCode, isRumError, type RumError } from "../errors";
import { emit, streamingEvents } from "../events";
import { log, stderr } from "../log";
import { BrokenPipe, printJson } from "./output";

export interface ReportOptions {
  verbose: boolean;
  json: boolean;
  /** exec/ssh/cp: the exit code belongs to the guest, so rum's own failures are 125. */
  passthrough: boolean;
}

export function report(e: unknown, opts: ReportOptions): number {
  // The reader is gone: there is no one to tell.
  if (e instanceof BrokenPipe) return e.exitCode;
  const failure = asRumError(e);
  const exitCode = opts.passthrough ? ExitCode.cannotRun : failure.exitCode;
  const lines = [`error: ${failure.message}`, ...failure.details.map((d) => `  ${d}`)];
  if (failure.hint) lines.push(`hint: ${failure.hint}`);
  stderr.write(`${lines.join("\n")}\n`);
  if (opts.verbose) {
    if (isRumError(e) && e.cause) log.debug(e.cause);
    else if (!isRumError(e) && e instanceof Error && e.stack) log.debug(e.stack);
  }
  if (opts.json) {
    // Config problems keep their structure (key path, line) for scripts and editors.
    const problems = e instanceof ConfigError ? { errors: e.problems.map(problemJson) } : {};
    try {
      // `up --json` streams JSON Lines: its failure is the stream's last line, not a document.
      if (streamingEvents())
        emit("error", {
          ok: false,
          message: failure.message,
          hint: failure.hint ?? null,
          exitCode,
          ...problems,
        });
      else
        printJson({
          ok: false,
          error: { message: failure.message, hint: failure.hint ?? null, exitCode },
          ...problems,
        });
    } catch (pipe) {
      if (pipe instanceof BrokenPipe) return pipe.exitCode;
      throw pipe;
    }
  }
  return exitCode;
}

/** Every failure as {message, details, hint, exitCode}; what is not a RumError is a bug or citty's. */
function asRumError(e: unknown): Pick<RumError, "message" | "details" | "hint" | "exitCode"> {
  if (isRumError(e)) return e;
  // citty's own argument errors (missing positional, …) are usage errors.
  if (e instanceof Error && e.name === "CLIError") {
    return { message: e.message, details: [], hint: "see `rum --help`", exitCode: ExitCode.usage };
  }
  return {
    message: `internal error: ${e instanceof Error ? e.message : String(e)}`,
    details: [],
    hint: "this is a bug in rum; please report it with the output of the same command run with -v",
    exitCode: ExitCode.failure,
  };
}
