/**
 * Start-up time of the compiled binary: `rum --version` (the floor of every
 * command) and `rum validate` (config loading and schema validation), each the
 * median of N runs, against `/bin/true` as the cost of spawning anything and a
 * hello-world compiled the way build.ts compiles rum (the runtime's own floor).
 * Prints one JSON document.   bun build.ts && bun bench/startup.ts [N]
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "pathe";

const runs = Number(process.argv[2] ?? 40);
const rum = resolve(import.meta.dir, "../dist/rum");
const dir = mkdtempSync(join(tmpdir(), "rum-bench-startup-"));
writeFileSync(join(dir, "rum.toml"), '[image]\nbase = "debian-12"\n');

function sample(argv: string[]): { medianMs: number; minMs: number; maxMs: number } {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = Bun.nanoseconds();
    const r = Bun.spawnSync(argv, { cwd: dir, stdout: "ignore", stderr: "ignore" });
    if (r.exitCode !== 0) throw new Error(`${argv.join(" ")} exited ${r.exitCode}`);
    times.push((Bun.nanoseconds() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  const r1 = (n: number) => Math.round(n * 10) / 10;
  return {
    medianMs: r1(times[Math.floor(runs / 2)] ?? 0),
    minMs: r1(times[0] ?? 0),
    maxMs: r1(times[runs - 1] ?? 0),
  };
}

/** `console.log("hello")` through `bun build --compile` with rum's options (build.ts). */
async function helloWorld(): Promise<string> {
  writeFileSync(join(dir, "hello.ts"), 'console.log("hello");\n');
  const outfile = join(dir, "hello");
  const r = await Bun.build({
    entrypoints: [join(dir, "hello.ts")],
    compile: { outfile, autoloadDotenv: false, autoloadBunfig: false },
    minify: true,
    bytecode: true,
    format: "cjs",
  });
  if (!r.success) throw new Error(`hello-world build failed: ${r.logs.join("\n")}`);
  return outfile;
}

try {
  const spawnFloor = sample(["/bin/true"]);
  const hello = sample([await helloWorld()]);
  const version = sample([rum, "--version"]);
  const validate = sample([rum, "validate"]);
  console.log(
    JSON.stringify(
      { runs, spawnFloor, hello, version, validate, versionUnder50ms: version.medianMs < 50 },
      null,
      2,
    ),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
