// What a person sees on a terminal: a step's result takes its start line's
// place (no phase twice on screen), and virsh console's polkit noise is dropped.
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "pathe";
import { present } from "../support/precondition";

const dir = mkdtempSync(join(tmpdir(), "rum-term-"));
const SRC = join(import.meta.dir, "../../src");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Run a bun script under `script`, which gives it a real pseudo-terminal. */
function onTerminal(code: string, path = process.env.PATH ?? ""): string {
  const file = join(dir, `t${Bun.hash(code)}.ts`);
  writeFileSync(file, code);
  const r = Bun.spawnSync(["script", "-qec", `${process.execPath} ${file}`, "/dev/null"], {
    env: { ...process.env, PATH: path, TERM: "xterm", NO_COLOR: "1" },
    stdin: "ignore",
  });
  return r.stdout.toString();
}

const hasScript = present("script (util-linux)", Bun.which("script") !== null);

describe.skipIf(!hasScript)("on a terminal", () => {
  test("a step's result replaces its start line unless something was printed between", () => {
    const out = onTerminal(`import { configureLog, log, step } from "${SRC}/log.ts";
configureLog({ verbose: false, quiet: false });
await step("checking image", () => Bun.sleep(20));
await step("noisy", async () => { log.info("in between"); });`);
    const up = "\x1b[1A\r\x1b[2K";
    // Cursor up + clear right before the result of the quiet step…
    const result = out.indexOf("checking image (");
    expect(result).toBeGreaterThan(0);
    expect(out.slice(0, result)).toContain(up);
    expect(out.slice(out.lastIndexOf(up), result)).not.toContain("\n");
    // …and not before the result of the one that printed something in between.
    const noisy = out.slice(out.indexOf("noisy"));
    expect(noisy).toContain("in between");
    expect(noisy).not.toContain(up);
  });

  test("virsh console's polkit line is dropped, its other lines kept", () => {
    const bin = join(dir, "bin");
    mkdirSync(bin, { recursive: true });
    writeFileSync(
      join(bin, "virsh"),
      `#!/bin/sh
echo "Authorization not available. Check if polkit service is running or see debug message for more information." >&2
echo "Connected to domain 'x'" >&2
echo "Escape character is ^]" >&2
`,
    );
    chmodSync(join(bin, "virsh"), 0o755);
    const out = onTerminal(
      `const { attachConsole } = await import("${SRC}/vm/console.ts");
await attachConsole({ virsh: { uri: "qemu:///system" }, domain: "x" } as never);`,
      `${bin}:${process.env.PATH}`,
    );
    expect(out).toContain("Connected to domain 'x'");
    expect(out).toContain("Escape character is ^]");
    expect(out).not.toContain("polkit");
  });
});
