/**
 * How this rum runs itself: the compiled binary is one file (process.execPath);
 * from source it is bun plus the entry script.
 */
export function rumCommandArgv(): string[] {
  return Bun.main.startsWith("/$bunfs/") ? [process.execPath] : [process.execPath, Bun.main];
}
