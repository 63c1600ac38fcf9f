/**
 * The one command that prepares a host for rum, as users must type it. sudo's
 * secure_path does not include ~/.local/bin (where install.sh puts rum), so
 * the binary is named by its absolute path.
 */
import { basename } from "pathe";

/** How to name this rum in a command: the binary's absolute path (from source: bun + script). */
export function rumCommand(): string {
  const exe = process.execPath;
  return basename(exe) === "bun" ? `${exe} ${Bun.main}` : exe;
}

/** `sudo /abs/path/rum doctor --fix` */
export function hostFixCommand(): string {
  return `sudo ${rumCommand()} doctor --fix`;
}
