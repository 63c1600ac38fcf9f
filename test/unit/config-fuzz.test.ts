// Mutation fuzzing of the loader: the full example config with random values
// swapped in, keys dropped or added, at random places. Whatever the input,
// loading either succeeds or fails with a UsageError; never anything else.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import TOML from "@iarna/toml";
import { loadConfigText } from "../../src/config/load";
import { ConfigError } from "../../src/config/problems";
import { UsageError } from "../../src/errors";

const fixture = join(import.meta.dir, "../fixtures/configs/full.rum.toml");
const source = readFileSync(fixture, "utf8");
const base = TOML.parse(source) as Record<string, unknown>;
const file = join(import.meta.dir, "../fixtures/configs/fuzz.rum.toml");

/** mulberry32: a small seeded PRNG, so a failure can be replayed. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ODD_VALUES: unknown[] = [
  "",
  " ",
  "x",
  "/",
  "..",
  "-1",
  "20G",
  "ünïcødé",
  "a".repeat(300),
  0,
  -1,
  1.5,
  2 ** 31,
  Number.MAX_SAFE_INTEGER,
  true,
  false,
  [],
  [1, 2],
  ["a", ""],
  [{}],
  {},
  { x: 1 },
  { source: ".", target: "/x" },
  new Date("2020-01-01T00:00:00Z"),
];

type Container = Record<string, unknown> | unknown[];

/** Every container in the tree with its keys, to pick a mutation site from. */
function sites(node: unknown, out: [Container, string | number][] = []) {
  if (Array.isArray(node)) {
    node.forEach((v, i) => {
      out.push([node, i]);
      sites(v, out);
    });
  } else if (typeof node === "object" && node !== null && !(node instanceof Date)) {
    for (const [k, v] of Object.entries(node)) {
      out.push([node as Container, k]);
      sites(v, out);
    }
  }
  return out;
}

function mutate(random: () => number): Record<string, unknown> {
  const doc = structuredClone(base);
  const edits = 1 + Math.floor(random() * 3);
  for (let i = 0; i < edits; i++) {
    const all = sites(doc);
    const [container, key] = all[Math.floor(random() * all.length)] as [Container, string | number];
    const pick = ODD_VALUES[Math.floor(random() * ODD_VALUES.length)];
    const action = random();
    const record = container as Record<string | number, unknown>;
    if (action < 0.5) record[key] = structuredClone(pick);
    else if (action < 0.65 && !Array.isArray(container)) delete record[key];
    else if (action < 0.8 && !Array.isArray(container)) {
      // A typo: the value moves to a key one letter off.
      record[`${String(key).slice(0, -1)}${String(key).at(-1) === "e" ? "a" : "e"}`] = record[key];
      delete record[key];
    } else if (!Array.isArray(container)) record[`${key}x`] = structuredClone(pick);
  }
  return doc;
}

describe("loader fuzzing", () => {
  test("1000 mutated configs: success or UsageError, nothing else", () => {
    const random = prng(20240601);
    let failures = 0;
    for (let i = 0; i < 1000; i++) {
      const doc = mutate(random);
      let text: string;
      try {
        text = TOML.stringify(doc as TOML.JsonMap);
      } catch {
        continue; // a mix TOML cannot write (e.g. mixed-type arrays in old TOML)
      }
      try {
        loadConfigText(text, file);
      } catch (e) {
        if (!(e instanceof UsageError)) {
          throw new Error(`case ${i} threw ${String(e)} for:\n${text}`);
        }
        if (e instanceof ConfigError) expect(e.problems.length).toBeGreaterThan(0);
        failures++;
      }
    }
    // Most mutations break something; a fuzzer that never fails tests nothing.
    expect(failures).toBeGreaterThan(500);
  }, 120_000);

  test("1000 texts with random characters changed: success or UsageError", () => {
    const random = prng(7);
    const alphabet = " \n\t\"'[]{}=.,#\\0123456789abcxyz-_/:\u0000\u00e9\ud83d\ude00";
    for (let i = 0; i < 1000; i++) {
      let text = source;
      for (let edit = 0; edit < 1 + Math.floor(random() * 4); edit++) {
        const at = Math.floor(random() * text.length);
        const ch = alphabet[Math.floor(random() * alphabet.length)] ?? "";
        const cut = random() < 0.5 ? 1 : 0;
        text = text.slice(0, at) + ch + text.slice(at + cut);
      }
      try {
        loadConfigText(text, file);
      } catch (e) {
        if (!(e instanceof UsageError))
          throw new Error(`case ${i} threw ${String(e)} for:\n${text}`);
      }
    }
  }, 120_000);
});
