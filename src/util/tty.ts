/**
 * isatty(fd) that loads node:tty only when it must. node:tty builds Node's
 * stream stack (about 2.5 ms), paid by every `rum exec` to decide on ssh -t;
 * yet fstat answers the usual scripted cases exactly: a pipe, a file or a
 * socket is not a character device, and Linux's memory devices (/dev/null,
 * /dev/zero: major 1) are never terminals.
 */
import { fstatSync } from "node:fs";

const MEMORY_DEVICES = 1;

export function isatty(fd: number): boolean {
  let st: ReturnType<typeof fstatSync>;
  try {
    st = fstatSync(fd);
  } catch {
    return false; // not open: no terminal either
  }
  if (!st.isCharacterDevice()) return false;
  // glibc's major(): bits 8–19 (and 32+, which no memory device uses).
  if (((st.rdev >> 8) & 0xfff) === MEMORY_DEVICES) return false;
  return (require("node:tty") as typeof import("node:tty")).isatty(fd);
}
