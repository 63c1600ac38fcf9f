/**
 * The one command that prepares a host for rum, as users must type it. sudo's
 * secure_path does not include ~/.local/bin (where install.sh puts rum), so
 * the binary is named by its absolute path.
 */
import { basename } from "pathe";

/** Absolute path of the running rum binary (plain `rum` when run from source by bun). */
export function rumExecutable(): string {
  const exe = process.execPath;
  return basename(exe) === "bun" ? "rum" : exe;
}

/** `sudo /abs/path/rum doctor --fix` */
export function hostFixCommand(): string {
  return `sudo ${rumExecutable()} doctor --fix`;
}
