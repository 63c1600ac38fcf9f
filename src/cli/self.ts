/**
 * How to name this rum in a command the user should type. sudo's secure_path
 * lacks ~/.local/bin, so a bare `sudo rum` often finds nothing: the absolute
 * path of the running binary always works.
 */
import { basename } from "pathe";

export function rumCommand(): string {
  const exe = process.execPath;
  // Run from source (`bun src/main.ts`): the interpreter plus the script.
  return basename(exe) === "bun" ? `${exe} ${Bun.main}` : exe;
}

export const fixCommand = () => `sudo ${rumCommand()} doctor --fix`;
