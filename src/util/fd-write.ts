/**
 * Writing to stdout/stderr by descriptor, synchronously. Touching
 * `process.stdout` or `process.stderr` builds Node's stream stack (tty, fs
 * streams, util.inspect), about 10 ms of every command's start-up, which
 * `rum --version` or `rum status` would pay for a few bytes of output.
 */
import { writeSync } from "node:fs";

/**
 * All of `text` to `fd`. A descriptor someone left non-blocking (a pipe shared
 * with a Node parent) says EAGAIN when full: wait a moment and go on. EPIPE
 * and other errors are the caller's (stdout and stderr treat them differently).
 */
export function writeAll(fd: number, text: string): void {
  const bytes = new TextEncoder().encode(text);
  let done = 0;
  while (done < bytes.length) {
    try {
      done += writeSync(fd, bytes, done);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EAGAIN") throw e;
      Bun.sleepSync(1);
    }
  }
}
