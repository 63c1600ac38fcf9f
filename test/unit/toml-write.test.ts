// src/config/toml-write.ts lays TOML out as @iarna/toml's stringify does,
// except that integers have no digit-group underscores (and every control
// character is escaped, not only a string's first): checked against
// iarna on the fixtures and thousands of random edits, and read back.
import { describe, expect, test } from "bun:test";
import TOML from "@iarna/toml";
import { stringifyToml } from "../../src/config/toml-write";
import { mutate, source } from "./config-mutate";
import { prng } from "./prng";

/** iarna's text with 2_048 written 2048, the one intended difference. */
const withoutGroups = (text: string) => text.replace(/(\d)_(?=\d{3}(?!\d))/g, "$1");

function iarna(doc: Record<string, unknown>): string | undefined {
  try {
    return TOML.stringify(doc as TOML.JsonMap);
  } catch {
    return undefined; // a mix TOML cannot write: ours must refuse it too
  }
}

function expectSameAsIarna(doc: Record<string, unknown>): void {
  const theirs = iarna(doc);
  if (theirs === undefined) {
    expect(() => stringifyToml(doc)).toThrow();
    return;
  }
  const ours = stringifyToml(doc);
  expect(ours).toBe(withoutGroups(theirs));
  expect(TOML.parse(ours)).toEqual(TOML.parse(theirs));
}

describe("TOML writer", () => {
  test("the full example, as iarna writes it", () => {
    expectSameAsIarna(TOML.parse(source));
  });

  test("strings: escapes, quotes, literal and multi-line forms; keys that need quotes", () => {
    expectSameAsIarna({
      plain: "a b",
      quoted: 'say "hi"',
      both: 'it\'s "x"',
      tab: "a\tb",
      control: "x\u0002y",
      backslash: "C:\\dir",
      multi: 'line 1\nline "2"\n""" end"',
      ends: 'x\ny"',
      "key with space": 1,
      ünï: true,
      list: ["a\nb", 'q"', "c\u0003"],
      nested: { inline: { a: "x\ny", b: [1, 2.5], c: {} } },
      floats: [1.5, 1234567.25],
      negativeZero: -0,
      inf: Number.POSITIVE_INFINITY,
      nan: Number.NaN,
      mixed: [1, 2.5],
      big: 123456789,
      long: ["aaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbbbbbbbb", "cccccccccccccccccccc"],
      when: new Date("2020-01-02T03:04:05Z"),
      gone: undefined,
      none: null,
      tables: [{ a: 1, sub: { b: 2 } }, { c: [{ d: 1 }] }],
      t: { u: { v: { w: 1 } }, x: 2 },
    });
  });

  test("every control character is escaped (iarna escapes a string's first only)", () => {
    const doc = { c: "\u0001x\u0002\u007f", list: ["\u0003\u0004"] };
    expect(TOML.parse(stringifyToml(doc))).toEqual(doc);
  });

  test("3000 random edits of the full example: iarna's text, read back alike", () => {
    const random = prng(99);
    for (let i = 0; i < 3000; i++) expectSameAsIarna(mutate(random));
  }, 120_000);
});
