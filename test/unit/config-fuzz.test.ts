// Mutation fuzzing of the loader: the full example config with random values
// swapped in, keys dropped or added, at random places. Whatever the input,
// loading either succeeds or fails with a UsageError; never anything else.
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import TOML from "@iarna/toml";
import { loadConfigText } from "../../src/config/load";
import { ConfigError } from "../../src/config/problems";
import { UsageError } from "../../src/errors";
import { mutate, source } from "./config-mutate";
import { prng } from "./prng";

const file = join(import.meta.dir, "../fixtures/configs/fuzz.rum.toml");

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
