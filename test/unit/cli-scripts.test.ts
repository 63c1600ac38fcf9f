// What a script sees from the compiled binary: a closed pipe ends rum quietly
// with 141, --json failures are one document on stdout, rum's own failure in
// exec/ssh/cp is 125 (never a guest command's code), and misuse names the flag.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "pathe";
import { rumBinary } from "../support/binary";

let dir = "";
const env = () => ({ ...process.env, HOME: dir, XDG_DATA_HOME: join(dir, "data"), NO_COLOR: "1" });
const rum = (...args: string[]) => {
  const r = Bun.spawnSync([rumBinary(), ...args], { cwd: dir, env: env(), stdin: "ignore" });
  return { code: r.exitCode, out: r.stdout.toString(), err: r.stderr.toString() };
};
const noTrace = (text: string) => expect(text).not.toMatch(/^\s+at .+:\d+/m);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "rum-scripts-"));
  writeFileSync(join(dir, "rum.toml"), '[image]\nbase = "debian-12"\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a reader that goes away: exit 141, nothing on stderr", () => {
  // The reader (`true`) has exited before rum starts writing, so every write
  // meets a closed pipe; bash's PIPESTATUS gives rum's own exit status.
  const closedPipe = (args: string[]) => {
    const r = Bun.spawnSync(
      [
        "bash",
        "-c",
        // biome-ignore lint/suspicious/noTemplateCurlyInString: bash's, not a JS template
        '(sleep 0.3; exec "$@") | true; echo "${PIPESTATUS[0]}"',
        "bash",
        rumBinary(),
        ...args,
      ],
      { cwd: dir, env: env(), stdin: "ignore" },
    );
    return { code: Number(r.stdout.toString().trim()), err: r.stderr.toString() };
  };
  const data: string[][] = [
    ["skill"],
    ["schema"],
    ["validate"],
    ["validate", "--json"],
    ["status", "--connect", "test:///default"],
    ["status", "--json", "--connect", "test:///default"],
    ["doctor", "--connect", "test:///default"],
    ["completions", "bash"],
    ["image", "list", "--json"],
    ["image", "search"],
    ["version"],
    ["--version"],
    ["--help"],
    ["status", "--help"],
  ];
  test("yes | true gives 141 here too (the convention rum follows)", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: bash's, not a JS template
    const r = Bun.spawnSync(["bash", "-c", 'yes | true; echo "${PIPESTATUS[0]}"']);
    expect(r.stdout.toString().trim()).toBe("141");
  });
  for (const args of data) {
    test(`rum ${args.join(" ")}`, () => {
      const r = closedPipe(args);
      expect(r.err).toBe("");
      expect(r.code).toBe(141);
    });
  }
});

describe("--json: a failure is one {ok: false, error} document on stdout", () => {
  test("status without a rum.toml", () => {
    const empty = mkdtempSync(join(dir, "empty-"));
    const r = Bun.spawnSync([rumBinary(), "status", "--json", "-c", join(empty, "rum.toml")], {
      cwd: empty,
      env: env(),
      stdin: "ignore",
    });
    expect(r.exitCode).toBe(2);
    expect(JSON.parse(r.stdout.toString())).toEqual({
      ok: false,
      error: {
        message: `config file ${join(empty, "rum.toml")} not found`,
        hint: expect.stringContaining("rum init"),
        exitCode: 2,
      },
    });
    expect(r.stderr.toString()).toMatch(/^error: config file .* not found\nhint: /);
  });
  test("a bad flag, with --json among the flags", () => {
    const r = rum("image", "list", "--json", "--bogus");
    expect(r.code).toBe(2);
    expect(JSON.parse(r.out)).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining("--bogus"), exitCode: 2 },
    });
  });
  test("every data command takes --json and prints exactly one document", () => {
    const commands: string[][] = [
      ["skill"],
      ["schema"],
      ["validate"],
      ["status", "--connect", "test:///default"],
      ["doctor", "--connect", "test:///default"],
      ["image", "list"],
      ["image", "search"],
      ["version"],
      ["dump-iso", "--connect", "test:///default", join(dir, "seed")],
      // No VM: the failure is the one document.
      ["ssh-config", "--connect", "test:///default"],
    ];
    for (const args of commands) {
      const r = rum(...args, "--json");
      expect(() => JSON.parse(r.out)).not.toThrow();
      if (r.code !== 0 && args[0] !== "doctor") {
        expect(JSON.parse(r.out)).toMatchObject({ ok: false, error: { exitCode: r.code } });
      }
    }
  });
  test("successes keep their documents", () => {
    expect(JSON.parse(rum("version", "--json").out)).toHaveProperty("version");
    expect(JSON.parse(rum("validate", "--json").out)).toMatchObject({ ok: true });
  });
});

describe("exec, ssh, cp: rum's own failure is 125", () => {
  const noVm = ["--connect", "test:///default"];
  test("exec for a VM that does not exist", () => {
    const r = rum("exec", ...noVm, "--", "true");
    expect(r.code).toBe(125);
    expect(r.err).toMatch(/^error: VM .* is not created\nhint: /);
    noTrace(r.err);
  });
  test("exec without -- takes the first word that is not rum's as the command", () => {
    for (const args of [["true"], ["ls", "-la"], ["-c", "rum.toml", "uname", "-a"]]) {
      const r = rum("exec", ...noVm, ...args);
      expect(r.code).toBe(125);
      // Got past parsing: the command was accepted, the VM is what is missing.
      expect(r.err).toContain("is not created");
    }
  });
  test("ssh and cp for a VM that does not exist", () => {
    expect(rum("ssh", ...noVm).code).toBe(125);
    expect(rum("cp", ...noVm, "./x", ":/tmp/x").code).toBe(125);
  });
  test("a bad config is 125 in exec, 2 elsewhere", () => {
    const bad = join(dir, "bad.rum.toml");
    writeFileSync(bad, "[resources]\ncpus = 0\n");
    expect(rum("exec", "-c", bad, "--", "true").code).toBe(125);
    expect(rum("validate", "-c", bad).code).toBe(2);
  });
});

describe("unknown top-level flags name the flag", () => {
  for (const flag of ["--bogus", "-V"]) {
    test(`rum ${flag}`, () => {
      const r = rum(flag);
      expect(r.code).toBe(2);
      expect(r.out).toBe("");
      expect(r.err).toMatch(
        new RegExp(`^error: unknown option ${flag} for \`rum\`.*\\nhint: .*\\n$`),
      );
      expect(r.err).not.toContain("USAGE");
    });
  }
});
