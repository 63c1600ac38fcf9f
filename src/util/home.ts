/**
 * The user's home folder: $HOME, which node:os's homedir() returns first
 * anyway. Loading node:os costs a few hundred µs of every command that reads
 * rum.toml, so it is loaded only when HOME is unset.
 */
export function homeDir(): string {
  return process.env.HOME || (require("node:os") as typeof import("node:os")).homedir();
}
