/**
 * Data for the user or a script goes to stdout, so `rum status --json | jq`
 * always sees exactly one JSON document; everything else is src/log.ts on stderr.
 *
 * A reader that goes away (`rum skill | head -1`) is normal for a Unix tool:
 * rum then ends quietly with 141 (128 + SIGPIPE), as coreutils do, instead of
 * Bun's EPIPE stack trace.
 */
import { ExitCode, RumError } from "../errors";

/** Thrown by a write to a closed stdout; main.ts ends with its exit code and prints nothing. */
export class BrokenPipe extends RumError {
  constructor() {
    super("broken pipe", { exitCode: ExitCode.brokenPipe });
    this.name = "BrokenPipe";
  }
}

const isEpipe = (e: unknown) => (e as NodeJS.ErrnoException | undefined)?.code === "EPIPE";

/**
 * Bun reports EPIPE either by throwing from write() or, for buffered writes,
 * as an 'error' event with no listener (a crash). The event has no caller to
 * throw to, so it ends the process; stderr's reader leaving is only ignored.
 */
export function guardPipes(): void {
  process.stdout.on("error", (e) => {
    if (isEpipe(e)) process.exit(ExitCode.brokenPipe);
    throw e;
  });
  process.stderr.on("error", (e) => {
    if (!isEpipe(e)) throw e;
  });
}

/** Data for the user or a script: stdout, exactly as given. */
export function printData(text: string): void {
  try {
    process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
  } catch (e) {
    if (isEpipe(e)) throw new BrokenPipe();
    throw e;
  }
}

export function printJson(value: unknown): void {
  printData(JSON.stringify(value, null, 2));
}
