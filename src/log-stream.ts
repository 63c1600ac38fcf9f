/**
 * stderr as rum's progress output sees it, remembering whether the last line
 * on screen is a step's start ("◐ checking image"). On a terminal the step's
 * result then takes that line's place instead of standing under it; anything
 * written in between (a progress bar, a warning) leaves both lines be.
 */
let startOnScreen = false;

const terminal = () => Boolean(process.stderr.isTTY) && process.env.TERM !== "dumb";

export const progressStream = {
  get isTTY(): boolean {
    return Boolean(process.stderr.isTTY);
  },
  get columns(): number {
    return process.stderr.columns || 80;
  },
  write(chunk: string | Uint8Array): boolean {
    startOnScreen = false;
    return process.stderr.write(chunk);
  },
};

/** The start line was just written; nothing else since. */
export function startLineShown(): void {
  startOnScreen = terminal();
}

/** Before the result line: step back over an untouched start line (cursor up, clear). */
export function replaceStartLine(): void {
  if (startOnScreen) process.stderr.write("\x1b[1A\r\x1b[2K");
  startOnScreen = false;
}
