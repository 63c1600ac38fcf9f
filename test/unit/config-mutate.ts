/**
 * Random edits of the full example config, for the tests that fuzz the
 * loader and the generated schema check: seeded (./prng.ts), so a failure can be replayed.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import TOML from "@iarna/toml";

export const fixture = join(import.meta.dir, "../fixtures/configs/full.rum.toml");
export const source = readFileSync(fixture, "utf8");
const base = TOML.parse(source) as Record<string, unknown>;

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

export function mutate(random: () => number): Record<string, unknown> {
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
