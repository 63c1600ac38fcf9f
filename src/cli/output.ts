/**
 * Data for the user or a script goes to stdout, so `rum status --json | jq`
 * always sees exactly one JSON document; everything else is src/log.ts on stderr.
 *
 * A reader that goes away (`rum skill | head -1`) is normal for a Unix tool:
 * rum then ends quietly with 141 (128 + SIGPIPE), as coreutils do, instead of
 * Bun's EPIPE stack trace.
 */
import { ExitCode, RumError } from "../errors";
import { writeAll } from "../util/fd-write";

/** Thrown by a write to a closed stdout; main.ts ends with its exit code and prints nothing. */
export class BrokenPipe extends RumError {
  constructor() {
    super("broken pipe", { exitCode: ExitCode.brokenPipe });
    this.name = "BrokenPipe";
  }
}

const isEpipe = (e: unknown) => (e as NodeJS.ErrnoException | undefined)?.code === "EPIPE";

/**
 * Data for the user or a script: stdout, exactly as given. Written by
 * descriptor (util/fd-write.ts): a closed pipe is then an EPIPE thrown here,
 * never an 'error' event on a stream with no caller to throw to.
 */
export function writeData(text: string): void {
  try {
    writeAll(1, text);
  } catch (e) {
    if (isEpipe(e)) throw new BrokenPipe();
    throw e;
  }
}

/** One piece of data, ending with a newline. */
export function printData(text: string): void {
  writeData(text.endsWith("\n") ? text : `${text}\n`);
}

export function printJson(value: unknown): void {
  printData(JSON.stringify(value, null, 2));
}
