/**
 * Build the single-file `rum` binary with `bun build --compile`.
 *   bun build.ts            host target only: dist/rum
 *   bun build.ts --all      also every linux target this Bun can cross-compile
 * Each target is written as dist/rum-linux-<arch>, listed in dist/SHA256SUMS
 * (what install.sh downloads and checks); dist/rum is the host's copy.
 */

import { mkdir, rm } from "node:fs/promises";
import { $ } from "bun";
import pkg from "./package.json";
import { GENERATED, writeConfigCheck } from "./scripts/gen-config-check";

/** citty's `consola` imports become cli/citty-consola.ts (why: see there). */
const cittyWithoutConsola: Bun.BunPlugin = {
  name: "citty-without-consola",
  setup(build) {
    build.onResolve({ filter: /^consola(\/utils)?$/ }, (args) =>
      args.importer.includes("/node_modules/citty/")
        ? { path: `${import.meta.dir}/src/cli/citty-consola.ts` }
        : undefined,
    );
  },
};

const all = process.argv.includes("--all");
const hostArch = process.arch === "arm64" ? "arm64" : "x64";
const arches = all ? ["x64", "arm64"] : [hostArch];
const revision =
  (await $`git rev-parse --short=12 HEAD`.nothrow().quiet().text()).trim() || "unknown";

// The config check is code generated from the schema: a build never ships a stale one.
if (await writeConfigCheck()) console.warn(`${GENERATED} was stale and is regenerated: commit it`);
await rm("dist", { recursive: true, force: true });
await mkdir("dist");
const sums: string[] = [];
for (const arch of arches) {
  const outfile = `dist/rum-linux-${arch}`;
  const result = await Bun.build({
    entrypoints: ["src/main.ts"],
    plugins: [cittyWithoutConsola],
    compile: {
      target: `bun-linux-${arch}` as Bun.Build.CompileTarget,
      outfile,
      // A user's .env or bunfig.toml must never change how rum behaves.
      autoloadDotenv: false,
      autoloadBunfig: false,
    },
    minify: true,
    // Precompiled bytecode: the binary starts without parsing its whole bundle.
    bytecode: true,
    // Split into chunks (inside the binary) that load at a command's dynamic
    // import: `rum --version` then loads a few KiB, not the whole bundle with
    // typebox, and a builtin module (node:tty, node:util…) loads with the
    // chunk that imports it.
    format: "esm",
    splitting: true,
    sourcemap: "none",
    define: {
      RUM_VERSION: JSON.stringify(pkg.version),
      RUM_REVISION: JSON.stringify(revision),
    },
  });
  if (!result.success) {
    for (const m of result.logs) console.error(m);
    if (arch !== hostArch) {
      console.warn(`skipping linux-${arch}: this Bun cannot cross-compile it here`);
      continue;
    }
    process.exit(1);
  }
  const digest = new Bun.CryptoHasher("sha256")
    .update(await Bun.file(outfile).bytes())
    .digest("hex");
  sums.push(`${digest}  rum-linux-${arch}`);
  if (arch === hostArch) await $`cp ${outfile} dist/rum`;
}
await Bun.write("dist/SHA256SUMS", `${sums.join("\n")}\n`);
console.log(
  `built rum ${pkg.version} (${revision}): ${sums.map((s) => s.split("  ")[1]).join(", ")}`,
);
