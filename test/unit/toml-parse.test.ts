/**
 * rum.toml is read by Bun's built-in TOML parser when small and by @iarna/toml
 * otherwise (src/config/toml.ts): both must give the same value for every
 * config rum documents, and a large file must still parse.
 */
import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import parseString from "@iarna/toml/parse-string.js";
import { join } from "pathe";
import { indexKeys } from "../../src/config/locate";
import { parseToml } from "../../src/config/toml";

const FIXTURES = join(import.meta.dir, "../fixtures/configs");

test("both parsers read every fixture config alike", () => {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith(".toml"));
  expect(files.length).toBeGreaterThan(1);
  for (const f of files) {
    const text = readFileSync(join(FIXTURES, f), "utf8");
    expect(text.length).toBeLessThan(16 * 1024);
    expect(JSON.stringify(Bun.TOML.parse(text))).toBe(JSON.stringify(parseString(text)));
    expect(parseToml(text, indexKeys(text))).toEqual({ ok: true, value: parseString(text) });
  }
});

test("a file over 16 KiB (a long inline script) parses, multi-line string intact", () => {
  const script = Array.from({ length: 2000 }, (_, i) => `echo line ${i} "quoted" \\ back`).join(
    "\n",
  );
  const text = `name = "big"\n[image]\nbase = "debian-12"\n[provision]\nsystem = '''\n${script}\n'''\n`;
  expect(text.length).toBeGreaterThan(16 * 1024);
  const r = parseToml(text, indexKeys(text));
  expect(r.ok).toBe(true);
  const value = (r as { value: { provision: { system: string } } }).value;
  expect(value.provision.system).toBe(`${script}\n`);
});

test("a syntax error in a small file still names its line and key", () => {
  const text = `name = "x"\n[resources]\ncpus = 2\ncpus = 3\n`;
  const r = parseToml(text, indexKeys(text));
  expect(r.ok).toBe(false);
  const problem = (r as { problem: { line?: number; message: string } }).problem;
  expect(problem.line).toBe(4);
  expect(problem.message).toMatch(/^invalid TOML: can't redefine existing key/);
});
