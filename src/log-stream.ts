/**
 * stderr for people: written by descriptor (util/fd-write.ts: touching
 * process.stderr builds Node's stream stack, ~10 ms of every start-up), and
 * remembering whether the last line on screen is a step's start ("◐ checking
 * image"). On a terminal the step's result then takes that line's place
 * instead of standing under it; anything written in between (a progress bar,
 * a warning, an error) leaves both lines be.
 */
import { writeAll } from "./util/fd-write";
import { isatty } from "./util/tty";

export { isatty };

let startOnScreen = false;

function put(text: string): void {
  try {
    writeAll(2, text);
  } catch {
    // EPIPE and friends: a reader that left is not rum's failure; the diagnostics
    // have nowhere to go and the work goes on.
  }
}

/** The logger's, error reports' and progress bars' stderr. */
export const stderr = {
  write(text: string): boolean {
    startOnScreen = false;
    put(text);
    return true;
  },
  get isTTY(): boolean {
    return isatty(2);
  },
  get columns(): number {
    return isatty(2) ? process.stderr.columns : 0;
  },
} as unknown as NodeJS.WriteStream;

/** The start line was just written; nothing else since. */
export function startLineShown(): void {
  startOnScreen = isatty(2) && process.env.TERM !== "dumb";
}

/** Before the result line: step back over an untouched start line (cursor up, clear). */
export function replaceStartLine(): void {
  if (startOnScreen) put("\x1b[1A\r\x1b[2K");
  startOnScreen = false;
}
