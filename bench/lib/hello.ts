/**
 * The start-up baseline: a one-line program compiled exactly as build.ts
 * compiles rum (same Bun, same `compile`, minify, bytecode and autoload
 * options), so `rum --version` against it measures rum's own start-up work,
 * not Bun's runtime or the machine. Keep the options in step with build.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "pathe";

/** Builds the hello-world binary to `outfile`. */
export async function buildHello(outfile: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "rum-bench-hello-"));
  try {
    const entry = join(dir, "hello.ts");
    writeFileSync(entry, 'console.log("hello");\n');
    const result = await Bun.build({
      entrypoints: [entry],
      compile: {
        target:
          `bun-linux-${process.arch === "arm64" ? "arm64" : "x64"}` as Bun.Build.CompileTarget,
        outfile,
        autoloadDotenv: false,
        autoloadBunfig: false,
      },
      minify: true,
      bytecode: true,
      format: "esm",
      sourcemap: "none",
    });
    if (!result.success) throw new Error(`hello-world build failed: ${result.logs.join("\n")}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
