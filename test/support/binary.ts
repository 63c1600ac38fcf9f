/**
 * The compiled binary the CLI tests drive: $RUM_BIN when set, else dist/rum,
 * built first when it is missing or older than any source file (so a single
 * test file can be run on its own; `bun run test` builds before the tests).
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "pathe";

export const REPO = join(import.meta.dir, "..", "..");

function newestSource(): number {
  let newest = 0;
  for (const f of readdirSync(join(REPO, "src"), { recursive: true }) as string[]) {
    newest = Math.max(newest, statSync(join(REPO, "src", f)).mtimeMs);
  }
  return newest;
}

let built: string | undefined;

export function rumBinary(): string {
  if (process.env.RUM_BIN) return process.env.RUM_BIN;
  if (built) return built;
  const path = join(REPO, "dist", "rum");
  const mtime = (() => {
    try {
      return statSync(path).mtimeMs;
    } catch {
      return 0;
    }
  })();
  if (mtime < newestSource()) {
    const r = Bun.spawnSync(["bun", "build.ts"], { cwd: REPO, stdout: "pipe", stderr: "pipe" });
    if (r.exitCode !== 0) throw new Error(`bun build.ts failed:\n${r.stderr.toString()}`);
  }
  built = path;
  return path;
}

/** Run the binary in `dir`, its VM state in `dir`/data (never the user's), without a terminal. */
export function rumIn(dir: string, args: string[]) {
  const p = Bun.spawnSync([rumBinary(), ...args], {
    cwd: dir,
    stdin: "ignore",
    env: { ...process.env, XDG_DATA_HOME: join(dir, "data"), NO_COLOR: "1" },
  });
  return { code: p.exitCode, out: p.stdout.toString(), err: p.stderr.toString() };
}
