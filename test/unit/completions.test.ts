// rum completions: scripts for bash, zsh and fish that parse, name every
// command, and actually complete (bash and fish driven for real).
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { commands } from "../../src/cli/commands/index";
import { completionScript, SHELLS, type Shell } from "../../src/cli/completions/index";
import type { CompletionInput } from "../../src/cli/completions/shared";
import { rumBinary } from "../support/binary";
import { present } from "../support/precondition";

setDefaultTimeout(120_000);
let tmp = "";
let rum = "";
const scripts = {} as Record<Shell, string>;

const sh = (argv: string[], cwd = tmp) => {
  const p = Bun.spawnSync(argv, { cwd });
  return { code: p.exitCode, out: p.stdout.toString(), err: p.stderr.toString() };
};

/** What bash's completion function offers for the words typed so far (last word = being completed). */
function bashOffers(script: string, words: string[], cwd = tmp): string[] {
  const program = `source ${script}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); _rum; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = sh(["bash", "-c", program], cwd);
  expect(r.err).toBe("");
  return r.out.split("\n").filter(Boolean).sort();
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "rum-completions-test-"));
  rum = rumBinary();
  for (const shell of SHELLS) {
    const r = sh([rum, "completions", shell]);
    expect(r.code).toBe(0);
    scripts[shell] = join(tmp, `rum.${shell}`);
    await writeFile(scripts[shell], r.out);
  }
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe("rum completions (compiled binary)", () => {
  test.each([...SHELLS])("%s: the script offers every registered command", async (shell) => {
    const text = await Bun.file(scripts[shell]).text();
    const offered = {
      bash: (name: string) => text.includes(`\n    ${name})`),
      zsh: (name: string) => text.includes(`\n    '${name}:`),
      fish: (name: string) => text.includes(`-n __fish_use_subcommand -a ${name} `),
    }[shell];
    expect(Object.keys(commands).filter((name) => !offered(name))).toEqual([]);
  });

  test("bash: `bash -n` accepts the script, and shellcheck too when installed", () => {
    expect(sh(["bash", "-n", scripts.bash])).toMatchObject({ code: 0, err: "" });
    if (Bun.which("shellcheck"))
      expect(sh(["shellcheck", "-s", "bash", scripts.bash]).out).toBe("");
  });

  test.skipIf(!present("zsh", Bun.which("zsh") !== null))(
    "zsh: `zsh -n` accepts the script (skipped when zsh is not installed)",
    () => {
      expect(sh(["zsh", "-n", scripts.zsh])).toMatchObject({ code: 0, err: "" });
    },
  );

  test.skipIf(!present("fish", Bun.which("fish") !== null))(
    "fish: `fish -n` accepts the script (skipped when fish is not installed)",
    () => {
      expect(sh(["fish", "--no-execute", scripts.fish])).toMatchObject({ code: 0, err: "" });
    },
  );

  test("bash: `rum va<TAB>` offers validate; `rum image <TAB>` its sub-commands", () => {
    expect(bashOffers(scripts.bash, ["rum", "va"])).toEqual(["validate"]);
    expect(bashOffers(scripts.bash, ["rum", "image", ""])).toEqual([
      "clear",
      "delete",
      "list",
      "pull",
      "search",
    ]);
    expect(bashOffers(scripts.bash, ["rum", "completions", ""])).toEqual(["bash", "fish", "zsh"]);
  });

  test("bash: -c completes *.toml files and folders only, before or after the command", async () => {
    const dir = join(tmp, "project");
    await mkdir(join(dir, "sub"), { recursive: true });
    for (const f of ["rum.toml", "dev.rum.toml", "notes.txt"]) await writeFile(join(dir, f), "");
    expect(bashOffers(scripts.bash, ["rum", "-c", ""], dir)).toEqual([
      "dev.rum.toml",
      "rum.toml",
      "sub",
    ]);
    expect(bashOffers(scripts.bash, ["rum", "doctor", "--config", "d"], dir)).toEqual([
      "dev.rum.toml",
    ]);
    expect(bashOffers(scripts.bash, ["rum", "-c", "dev.rum.toml", "doc"], dir)).toEqual(["doctor"]);
  });

  test("an unknown or missing shell is a usage error (exit 2) naming bash|zsh|fish", () => {
    for (const args of [["completions", "tcsh"], ["completions"]]) {
      const r = sh([rum, ...args]);
      expect(r.code).toBe(2);
      expect(r.out).toBe("");
      expect(r.err).toContain("bash|zsh|fish");
    }
  });
});

describe("generators (fixed command set)", () => {
  const input: CompletionInput = {
    globalFlags: [
      {
        name: "config",
        aliases: ["c"],
        type: "string",
        description: "Config file",
        valueHint: "FILE",
      },
    ],
    commands: [
      {
        name: "cp",
        description: "Copy files: it's [host] <-> guest",
        flags: [
          { name: "recursive", aliases: ["r"], type: "boolean", description: "Copy folders" },
        ],
        positionals: [{ name: "src", description: "Source", required: true, valueHint: "SRC" }],
        subcommands: [],
      },
      {
        name: "image",
        description: "Images",
        flags: [],
        positionals: [],
        subcommands: [
          {
            name: "pull",
            description: "Download one",
            flags: [
              {
                name: "sha256",
                aliases: [],
                type: "string",
                description: "Digest",
                valueHint: "HEX",
              },
              {
                name: "mode",
                aliases: [],
                type: "string",
                description: "How",
                choices: ["fast", "slow"],
              },
            ],
            positionals: [],
            subcommands: [],
          },
        ],
      },
    ],
  };

  const checks = { bash: ["bash", "-n"], zsh: ["zsh", "-n"], fish: ["fish", "--no-execute"] };
  const shellsHere = SHELLS.filter((s) => present(s, Bun.which(checks[s][0] as string) !== null));
  test.each(shellsHere)(
    "%s: quotes descriptions with quotes and brackets so the script still parses",
    async (shell) => {
      const file = join(tmp, `fixed.${shell}`);
      await writeFile(file, completionScript(shell, input));
      expect(sh([...checks[shell], file])).toMatchObject({ code: 0, err: "" });
    },
  );

  test("bash: sub-command flags, file arguments, and no completion after `--`", async () => {
    const file = join(tmp, "fixed.bash");
    await writeFile(file, completionScript("bash", input));
    expect(bashOffers(file, ["rum", "image", "pull", "--"])).toEqual([
      "--help",
      "--mode",
      "--sha256",
    ]);
    expect(bashOffers(file, ["rum", "image", "pull", "--mode", ""])).toEqual(["fast", "slow"]);
    expect(bashOffers(file, ["rum", "cp", "-"])).toEqual(["--help", "--recursive", "-h", "-r"]);
    expect(bashOffers(file, ["rum", "cp", "rum."])).toEqual(["rum.bash", "rum.fish", "rum.zsh"]);
    expect(bashOffers(file, ["rum", "cp", "--", "x", ""])).toEqual([]);
  });

  test.skipIf(!present("fish", Bun.which("fish") !== null))(
    "fish: completes commands, sub-commands and flags for real",
    async () => {
      const file = join(tmp, "fixed.fish");
      await writeFile(file, completionScript("fish", input));
      const offers = (line: string) =>
        sh(["fish", "--no-config", "-c", `source ${file}; complete -C '${line}'`])
          .out.split("\n")
          .map((l) => l.split("\t")[0]);
      expect(offers("rum im")).toContain("image");
      expect(offers("rum image ")).toEqual(["pull", ""]);
      expect(offers("rum image pull --s")).toContain("--sha256");
    },
  );
});
