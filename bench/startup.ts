/**
 * Start-up time of the compiled binary against a compiled Bun hello-world
 * built the same way in the same run (lib/hello.ts): `rum --version` (the
 * floor of every command) and `rum validate` (config loading and schema
 * validation). The three are run in turn, round after round, so a busy
 * moment on the host slows all three alike and their ratio stays steady.
 * Prints one JSON document.   bun build.ts && bun bench/startup.ts [N]
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "pathe";
import { buildHello } from "./lib/hello";
import { median, type Spread, spread } from "./lib/stats";

export type Startup = {
  runs: number;
  hello: Spread;
  version: Spread;
  validate: Spread;
  /** rum's median over the hello-world's, from the same interleaved runs. */
  versionRatio: number;
  validateRatio: number;
  /**
   * The same from each one's fastest run: on a busy host the fastest spawn is
   * the one least disturbed, so these ratios move least (the quick check's).
   */
  versionMinRatio: number;
  validateMinRatio: number;
};

const root = resolve(import.meta.dir, "..");
export const RUM = join(root, "dist/rum");
export const HELLO = join(root, "dist/bench-hello");

function timeMs(argv: string[], cwd: string): number {
  const t = Bun.nanoseconds();
  const r = Bun.spawnSync(argv, { cwd, stdout: "ignore", stderr: "ignore" });
  if (r.exitCode !== 0) throw new Error(`${argv.join(" ")} exited ${r.exitCode}`);
  return (Bun.nanoseconds() - t) / 1e6;
}

/** `runs` interleaved spawns of each; needs dist/rum and the hello-world at HELLO. */
export function measureStartup(runs: number): Startup {
  const dir = mkdtempSync(join(tmpdir(), "rum-bench-startup-"));
  writeFileSync(join(dir, "rum.toml"), '[image]\nbase = "debian-12"\n');
  try {
    const hello: number[] = [];
    const version: number[] = [];
    const validate: number[] = [];
    // One untimed round: the first spawn of each pays for reading the binary into the page cache.
    for (let i = 0; i <= runs; i++) {
      const h = timeMs([HELLO], dir);
      const v = timeMs([RUM, "--version"], dir);
      const c = timeMs([RUM, "validate"], dir);
      if (i === 0) continue;
      hello.push(h);
      version.push(v);
      validate.push(c);
    }
    return {
      runs,
      hello: spread(hello),
      version: spread(version),
      validate: spread(validate),
      versionRatio: median(version) / median(hello),
      validateRatio: median(validate) / median(hello),
      versionMinRatio: Math.min(...version) / Math.min(...hello),
      validateMinRatio: Math.min(...validate) / Math.min(...hello),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  await buildHello(HELLO);
  console.log(JSON.stringify(measureStartup(Number(process.argv[2] ?? 40)), null, 2));
}
