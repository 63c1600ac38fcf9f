// The generated config check (src/config/schema-check.generated.ts) must be
// the one the schema gives today, and must agree with typebox's own
// Value.Default and Value.Check on every input: the fixtures, each invalid
// case and thousands of random edits of the full example.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import TOML from "@iarna/toml";
import Value from "typebox/value";
import { configCheckSource, GENERATED } from "../../scripts/gen-config-check";
import { guardParsed } from "../../src/config/guard";
import { ConfigSchema } from "../../src/config/schema";
import { checkConfig, fillDefaults } from "../../src/config/schema-check.generated";
import { invalidCases } from "../fixtures/configs/invalid-cases";
import { mutate, source } from "./config-mutate";
import { prng } from "./prng";

const root = join(import.meta.dir, "../..");

/**
 * The generated pair and typebox give the same defaults and the same verdict
 * on what the loader hands them: a document its guard let through.
 */
function expectSame(parsed: unknown, label: string): boolean | undefined {
  const { value: doc, problems } = guardParsed(parsed);
  if (problems.length > 0) return undefined;
  const ours = fillDefaults(structuredClone(doc));
  const theirs = Value.Default(ConfigSchema, structuredClone(doc));
  if (!Bun.deepEquals(ours, theirs, true)) {
    throw new Error(
      `${label}: defaults differ\nours:   ${JSON.stringify(ours)}\ntypebox: ${JSON.stringify(theirs)}`,
    );
  }
  const valid = Value.Check(ConfigSchema, theirs);
  if (checkConfig(ours) !== valid)
    throw new Error(`${label}: check says ${!valid}, typebox ${valid}`);
  return valid;
}

describe("generated config check", () => {
  test("is current: `bun scripts/gen-config-check.ts` writes what is committed", () => {
    expect(readFileSync(join(root, GENERATED), "utf8")).toBe(configCheckSource());
  });

  test("agrees with typebox on the fixtures and every invalid case", () => {
    const docs: [string, unknown][] = [
      ["full", TOML.parse(source)],
      [
        "minimal",
        TOML.parse(readFileSync(join(root, "test/fixtures/configs/minimal.rum.toml"), "utf8")),
      ],
      ["empty", {}],
      ["not a table", []],
    ];
    for (const c of invalidCases) {
      if (typeof c.toml !== "string") continue;
      try {
        docs.push([c.name, TOML.parse(c.toml)]);
      } catch {
        // a TOML syntax case: never reaches the schema
      }
    }
    const verdicts = docs.map(([label, doc]) => expectSame(doc, label));
    expect(verdicts).toContain(true);
    expect(verdicts).toContain(false);
  });

  test("agrees with typebox on 3000 random edits of the full example", () => {
    const random = prng(17);
    let valid = 0;
    for (let i = 0; i < 3000; i++) if (expectSame(mutate(random), `edit ${i}`)) valid++;
    // Both verdicts must be exercised, or the comparison proves little.
    expect(valid).toBeGreaterThan(50);
    expect(valid).toBeLessThan(2950);
  }, 120_000);
});
