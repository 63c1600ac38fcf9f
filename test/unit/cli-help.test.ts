// Every command's and sub-command's --help, through the compiled binary: a
// reference page on stdout, exit 0, plain text within 80 columns, every flag
// described, with examples; and the whole text pinned by a snapshot so a
// change to any help page is a reviewed change.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "pathe";
import { commands } from "../../src/cli/commands/index";
import { type CommandInfo, describeCommands } from "../../src/docs/commands";
import { rumBinary } from "../support/binary";

let home = "";
const rum = (...args: string[]) => {
  // Piped stdout and COLUMNS=200: the page must not depend on the terminal.
  const r = Bun.spawnSync([rumBinary(), ...args], {
    cwd: home,
    env: { ...process.env, HOME: home, COLUMNS: "200", FORCE_COLOR: "1" },
    stdin: "ignore",
  });
  return { code: r.exitCode, out: r.stdout.toString(), err: r.stderr.toString() };
};

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), "rum-help-"));
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

function readable(page: string) {
  for (const line of page.split("\n")) expect([...line].length).toBeLessThanOrEqual(80);
  expect(page).not.toContain("`");
  // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for colour codes
  expect(page).not.toMatch(/\u001b\[/);
}

const all: CommandInfo[] = await describeCommands(commands);
const pages: { path: string[]; info: CommandInfo }[] = all.flatMap((c) => [
  { path: [c.name], info: c },
  ...c.subcommands.map((s) => ({ path: [c.name, s.name], info: s })),
]);

describe("rum --help", () => {
  test("stdout, exit 0: commands, global flags, exit codes, examples", () => {
    for (const form of [["--help"], ["-h"]]) {
      const r = rum(...form);
      expect(r.code).toBe(0);
      expect(r.err).toBe("");
      readable(r.out);
      for (const c of all) expect(r.out).toContain(`  ${c.name} `);
      for (const flag of ["--config", "--verbose", "--quiet", "--help", "--version"]) {
        expect(r.out).toContain(flag);
      }
      for (const code of ["0", "1", "2", "125", "141"]) {
        expect(r.out).toMatch(new RegExp(`^  ${code} +\\S`, "m"));
      }
      expect(r.out).toContain("EXAMPLES");
      expect(r.out).toMatchSnapshot();
    }
  });
});

describe("every command's own --help", () => {
  for (const { path, info } of pages) {
    test(`rum ${path.join(" ")} --help`, () => {
      const r = rum(...path, "--help");
      expect(r.code).toBe(0);
      expect(r.err).toBe("");
      readable(r.out);
      // Its own page, not the parent's.
      expect(r.out.split("\n")[0]).toStartWith(`rum ${path.join(" ")}: `);
      expect(r.out).toContain(`\nUSAGE\n  rum ${path.join(" ")} `);
      expect(r.out).toMatch(/\nEXAMPLES\n {2}.*rum /);
      if (info.subcommands.length === 0) {
        for (const f of info.flags) {
          // Every flag is listed with a description (not just its name).
          expect(r.out).toMatch(new RegExp(`--${f.name}( \\S+)? +\\S`));
        }
      }
      expect(r.out).toMatchSnapshot();
    });
  }

  test("exec and ssh show where the guest command goes", () => {
    expect(rum("exec", "--help").out).toContain("rum exec [OPTIONS] [--] CMD [ARGS…]");
    expect(rum("ssh", "--help").out).toContain("rum ssh [OPTIONS] [-- SSH ARGS…]");
  });

  test("up --no-wait says what it does", () => {
    expect(rum("up", "--help").out).toMatch(/--no-wait +Return once the domain runs/);
  });

  test("help is the same with the flag before the command or a config given", () => {
    expect(rum("--help", "image", "pull").out).toBe(rum("image", "pull", "--help").out);
    expect(rum("-c", "x.toml", "image", "pull", "-h").out).toBe(rum("image", "pull", "-h").out);
  });
});
