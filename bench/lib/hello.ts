/**
 * The start-up baseline: a one-line program compiled exactly as build.ts
 * compiles rum (same Bun, same `compile`, minify, bytecode and autoload
 * options), so `rum --version` against it measures rum's own start-up work,
 * not Bun's runtime or the machine. Keep the options in step with build.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "pathe";

/**
 * The floor of any Bun tool that asks virsh one question: compiled the same
 * way, it spawns `virsh -c URI domstate NAME` (argv[2], argv[3]) and exits
 * with its code. `rum status` cannot be faster than this program.
 */
export const VIRSH_FLOOR_SOURCE = `const p = Bun.spawn(["virsh", "-q", "-c", process.argv[2], "domstate", process.argv[3]], { stdout: "inherit", stderr: "inherit" });
process.exit(await p.exited);
`;

/** Builds the hello-world binary (or the program `source`) to `outfile`. */
export async function buildHello(
  outfile: string,
  source = 'console.log("hello");\n',
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "rum-bench-hello-"));
  try {
    const entry = join(dir, "hello.ts");
    writeFileSync(entry, source);
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
