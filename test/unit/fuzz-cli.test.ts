// A seeded fuzzer at the command line: 300 mutated rum.toml files (type swaps,
// deleted/duplicated/unknown keys, huge numbers, unicode, NUL bytes, deep nesting,
// a 10 MB string, a 17 MB file, truncation, random bytes). Every 6th file (and one
// oversized one) goes through `rum validate -c FILE` from source; the rest through
// the same loader in-process. The answer is always exit 0 or a usage error (exit 2) that
// names a key, a line or the TOML problem, with a hint; never a stack trace.
// Replay a failure with RUM_FUZZ_SEED=<seed printed below>.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, realpathSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config/load";
import { ConfigError } from "../../src/config/problems";
import { renderResolved } from "../../src/config/render";
import { UsageError } from "../../src/errors";
import { prng } from "./prng";

const SEED = Number(process.env.RUM_FUZZ_SEED ?? 20250611);
const CASES = 300;
const REPO = join(import.meta.dir, "../..");
const FIXTURES = join(REPO, "test/fixtures/configs");
const BASES = ["full.rum.toml", "minimal.rum.toml"].map((f) =>
  readFileSync(join(FIXTURES, f), "utf8"),
);
const tmp = realpathSync(await mkdtemp(join(tmpdir(), "rum-fuzz-cli-")));
// full.rum.toml mounts "git": give the folder a repository so the base file is valid.
mkdirSync(join(tmp, ".git"));
afterAll(() => rm(tmp, { recursive: true, force: true }));
console.log(`fuzz-cli: seed ${SEED} (replay with RUM_FUZZ_SEED=${SEED})`);

const random = prng(SEED);
const int = (n: number) => Math.floor(random() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;

const VALUES = [
  '"str"',
  '""',
  "42",
  "0",
  "-1",
  "1.5",
  "-0",
  "1e308",
  "-1e308",
  "1e999",
  "inf",
  "-inf",
  "nan",
  "9007199254740993",
  "9223372036854775807",
  "9223372036854775808",
  "-9223372036854775809",
  "0x7fffffffffffffff",
  "true",
  "false",
  "[]",
  '[1, "a"]',
  "[[]]",
  "{}",
  "{ x = 1 }",
  "1979-05-27T07:32:00Z",
  "07:32:00",
  '"\\u0000"',
  '"a\\u0007b"',
  '"ünïcødé 🐍"',
  '"\\ud800"',
  "'''multi\nline'''",
  '"../../etc"',
  '"$(touch /tmp/x)"',
  '"20G"',
  '"-5G"',
  '"1e3T"',
];
const KEYS = [
  "name",
  "cpus",
  "memory_mb",
  "disk",
  "base",
  "target",
  "source",
  "size",
  "drive",
  "host",
  "cpu",
  "Name",
  "memroy_mb",
  "ünï",
  '"quoted key"',
  "a.b.c",
  '""',
  "__proto__",
  "constructor",
];
const UNICODE = ["🐍", "\u202e", "\u0301", "\u200b", "\ufeff", "\u0085", "\u2028", "\ud800", "é"];

function lines(text: string): string[] {
  return text.split("\n");
}

/** Text-level mutations: each returns the new text. */
const TEXT_MUTATIONS: Record<string, (t: string) => string> = {
  swapValue(t) {
    const ls = lines(t);
    const at = ls.map((l, i) => (/^\s*[\w"]+\s*=/.test(l) ? i : -1)).filter((i) => i >= 0);
    if (at.length === 0) return t;
    const i = pick(at);
    ls[i] = `${(ls[i] as string).split("=")[0]}= ${pick(VALUES)}`;
    return ls.join("\n");
  },
  deleteLine(t) {
    const ls = lines(t);
    ls.splice(int(ls.length), 1);
    return ls.join("\n");
  },
  duplicateLine(t) {
    const ls = lines(t);
    const i = int(ls.length);
    ls.splice(i, 0, ls[i] ?? "");
    return ls.join("\n");
  },
  insertKey(t) {
    const ls = lines(t);
    ls.splice(int(ls.length + 1), 0, `${pick(KEYS)} = ${pick(VALUES)}`);
    return ls.join("\n");
  },
  unknownTable(t) {
    return `${t}\n${pick(["[bogus]\nx = 1", "[[mounts]]\nsource = 1", '[drives."Bad Name"]', "[resources.extra]", "[[image]]"])}\n`;
  },
  unicode(t) {
    const at = int(t.length + 1);
    return t.slice(0, at) + pick(UNICODE) + t.slice(at);
  },
  nul(t) {
    const at = int(t.length + 1);
    return `${t.slice(0, at)}\u0000${t.slice(at)}`;
  },
  deepNesting(t) {
    const d = pick([13, 100, 1000, 5000]);
    const deep = pick([
      `deep = ${"[".repeat(d)}${"]".repeat(d)}`,
      `deep = ${"{ a = ".repeat(d)}1${" }".repeat(d)}`,
      `[${Array(d).fill("a").join(".")}]`,
    ]);
    return `${deep}\n${t}`;
  },
  lineEndings(t) {
    return random() < 0.5 ? t.replaceAll("\n", "\r\n") : t.replaceAll("\n", "\r");
  },
};

/** Byte-level mutations, applied last. */
const BYTE_MUTATIONS: Record<string, (b: Uint8Array) => Uint8Array> = {
  truncate: (b) => b.slice(0, int(b.length + 1)),
  flipBytes(b) {
    const out = b.slice();
    for (let k = 0; k < 1 + int(8); k++) out[int(out.length)] = int(256);
    return out;
  },
  randomBytes: () => Uint8Array.from({ length: int(4096) }, () => int(256)),
  invalidUtf8(b) {
    const at = int(b.length + 1);
    return new Uint8Array([...b.slice(0, at), pick([0xff, 0xc3, 0xed, 0x80]), ...b.slice(at)]);
  },
};

interface Case {
  index: number;
  what: string[];
  bytes: Uint8Array;
  cli: boolean;
}

function makeCase(index: number): Case {
  let text = pick(BASES);
  const what: string[] = [];
  // Every 75th case carries a 10 MB string (the 16 MiB file limit lets it through to the guard).
  if (index % 75 === 0) {
    what.push("hugeString");
    text = `name = "${"x".repeat(10 * 2 ** 20)}"\n${text.replace(/^name = .*$/m, "")}`;
  }
  // Two are past the 16 MiB file limit: refused before parsing.
  if (index % 150 === 1) {
    what.push("oversize");
    text = `${text}\n#${"x".repeat(17 * 2 ** 20)}\n`;
  }
  for (let k = 0; k < 1 + int(3); k++) {
    const name = pick(Object.keys(TEXT_MUTATIONS));
    what.push(name);
    text = TEXT_MUTATIONS[name]?.(text) ?? text;
  }
  let bytes: Uint8Array = new TextEncoder().encode(text);
  if (random() < 0.3) {
    const name = pick(Object.keys(BYTE_MUTATIONS));
    what.push(name);
    bytes = BYTE_MUTATIONS[name]?.(bytes) ?? bytes;
  }
  return { index, what, bytes, cli: index % 6 === 0 || index === 151 };
}

/** Errors about the whole file, where no key or line applies. */
const FILE_LEVEL = /is not UTF-8 text|too large for a config/;

function checkInProcess(c: Case, e: unknown): void {
  const where = `case ${c.index} (${c.what.join(", ")}), seed ${SEED}`;
  if (!(e instanceof UsageError)) throw new Error(`${where}: threw ${String(e)}`);
  expect(e.exitCode, where).toBe(2);
  expect(e.hint, where).toBeTruthy();
  if (e instanceof ConfigError) {
    for (const p of e.problems) {
      const located = p.path.length > 0 || p.line !== undefined || /TOML/.test(p.message);
      expect(located ? "" : `${where}: ${p.message}`).toBe("");
    }
  } else expect(e.message, where).toMatch(FILE_LEVEL);
}

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function runCli(file: string): Promise<CliResult> {
  const p = Bun.spawn(["bun", join(REPO, "src/main.ts"), "validate", "-c", file], {
    cwd: tmp,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, NO_COLOR: "1" },
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
    p.exited,
  ]);
  return { code, stdout, stderr };
}

function checkCli(c: Case, r: CliResult): void {
  const where = `case ${c.index} (${c.what.join(", ")}), seed ${SEED}:\n${r.stderr.slice(0, 2000)}`;
  expect([0, 2], where).toContain(r.code);
  expect(r.stderr, where).not.toMatch(/^\s+at .+:\d+/m);
  expect(r.stderr, where).not.toContain("internal error");
  if (r.code === 0) {
    expect(r.stderr, where).not.toContain("error:");
    expect(r.stdout.length, where).toBeGreaterThan(0);
    return;
  }
  expect(r.stderr, where).toMatch(/^error: /m);
  expect(r.stderr, where).toMatch(/^hint: /m);
  const located =
    /^ {2}\S[^\n]*?: /m.test(r.stderr) ||
    /\(line \d+/.test(r.stderr) ||
    /TOML/.test(r.stderr) ||
    FILE_LEVEL.test(r.stderr);
  expect(located, where).toBe(true);
}

describe(`rum validate on ${CASES} mutated configs (seed ${SEED})`, () => {
  const cases = Array.from({ length: CASES }, (_, i) => makeCase(i));
  const outcomes = { ok: 0, usage: 0 };

  test("in-process: success or a located usage error with a hint", async () => {
    for (const c of cases.filter((c) => !c.cli)) {
      const file = join(tmp, `case-${c.index}.rum.toml`);
      await writeFile(file, c.bytes);
      try {
        renderResolved(await loadConfig({ path: file }));
        outcomes.ok++;
      } catch (e) {
        checkInProcess(c, e);
        outcomes.usage++;
      }
      await rm(file);
    }
  }, 60_000);

  test("the CLI: exit 0 or 2, error + key/line + hint on stderr, never a stack trace", async () => {
    const cli = cases.filter((c) => c.cli);
    expect(cli.length).toBeGreaterThanOrEqual(45);
    // Four at a time: bun starts in ~0.1 s, so the batch stays well under a minute.
    for (let i = 0; i < cli.length; i += 4) {
      await Promise.all(
        cli.slice(i, i + 4).map(async (c) => {
          const file = join(tmp, `cli-${c.index}.rum.toml`);
          await writeFile(file, c.bytes);
          const r = await runCli(file);
          checkCli(c, r);
          if (r.code === 0) outcomes.ok++;
          else outcomes.usage++;
          await rm(file);
        }),
      );
    }
  }, 90_000);

  test("the fuzzer exercised both outcomes", () => {
    console.log(`fuzz-cli: ${outcomes.ok} accepted, ${outcomes.usage} refused`);
    expect(outcomes.ok + outcomes.usage).toBe(CASES);
    expect(outcomes.usage).toBeGreaterThan(CASES / 2);
    expect(outcomes.ok).toBeGreaterThan(0);
  });
});
