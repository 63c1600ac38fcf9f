// rum skill: the agents' guide is generated from the registry and the schema,
// so every command and every rum.toml key must appear in it.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import TOML from "@iarna/toml";
import { defineCommand } from "citty";
import Value from "typebox/value";
import { commands } from "../../src/cli/commands/index";
import { ConfigSchema } from "../../src/config/schema";
import { type CommandInfo, describeCommands } from "../../src/docs/commands";
import type { SchemaNode } from "../../src/docs/schema-table";
import { rumBinary } from "../support/binary";

setDefaultTimeout(120_000);
let tmp = "";
let skill = "";

/** Every leaf key of the schema, spelled as the guide spells it (an independent walk). */
function keyPaths(node: SchemaNode, prefix = ""): string[] {
  return Object.entries(node.properties ?? {}).flatMap(([key, child]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    if (child.properties) return keyPaths(child, path);
    if (child.items?.properties) return keyPaths(child.items, `${path}[]`);
    const record = child.patternProperties && Object.values(child.patternProperties)[0];
    if (record?.properties) return keyPaths(record, `${path}.<name>`);
    return [path];
  });
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "rum-skill-test-"));
  const p = Bun.spawnSync([rumBinary(), "skill"], { cwd: tmp });
  expect(p.exitCode).toBe(0);
  skill = p.stdout.toString();
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe("rum skill (compiled binary)", () => {
  test("lists every registered command, and every sub-command, in the command table", async () => {
    const rows = Object.keys(commands).map((name) => `| \`rum ${name}`);
    for (const c of await describeCommands(commands)) {
      rows.push(...c.subcommands.map((sub) => `| \`rum ${c.name} ${sub.name}`));
    }
    expect(rows.filter((row) => !skill.includes(row))).toEqual([]);
  });

  test("documents every key of the rum.toml schema with its default", () => {
    const paths = keyPaths(ConfigSchema as SchemaNode);
    expect(paths.length).toBeGreaterThan(30);
    expect(paths.filter((path) => !skill.includes(`| \`${path}\` |`))).toEqual([]);
    expect(skill).toContain("| `resources.memory_mb` | integer 256..16777216 | `2048` |");
    expect(skill).toContain('| `advanced.domain_type` | "kvm" \\| "qemu" | `"kvm"` |');
    expect(skill).toContain("| `image.base` | non-empty string | **required** |");
  });

  test("has the workflow, exit codes, JSON conventions and agent tips", () => {
    for (const heading of [
      "## Workflow",
      "## Commands",
      "## rum.toml reference",
      "## Exit codes",
      "## JSON output",
      "## Tips for agents",
    ]) {
      expect(skill).toContain(heading);
    }
    expect(skill).toMatch(/rum init.*\n.*\n.*rum validate.*\n.*rum up -d.*\n.*rum exec --/);
    expect(skill).toContain("| 2 | usage or config error");
    expect(skill).toContain("`rum status --json`");
    expect(skill).toContain("-c, --config FILE");
  });

  test("its example rum.toml is valid against the schema", () => {
    const example = /```toml\n([\s\S]*?)```/.exec(skill)?.[1];
    expect(example).toBeDefined();
    const config = Value.Default(ConfigSchema, TOML.parse(example ?? ""));
    expect([...Value.Errors(ConfigSchema, config)]).toEqual([]);
  });
});

describe("command registry as data", () => {
  test("a command whose module fails to load is left out; sub-commands and positionals are read", async () => {
    const image = defineCommand({
      meta: { description: "Images" },
      subCommands: {
        delete: defineCommand({
          meta: { description: "Delete one" },
          args: {
            name: { type: "positional", description: "Image" },
            yes: { type: "boolean", alias: "y" },
          },
        }),
      },
    });
    const registry = {
      image: () => Promise.resolve(image),
      broken: () => Promise.reject(new Error("Cannot find module './broken'")),
    };
    const described = await describeCommands(registry);
    expect(described.map((c) => c.name)).toEqual(["image"]);
    const del = (described[0] as CommandInfo).subcommands[0] as CommandInfo;
    expect(del).toMatchObject({ name: "delete", description: "Delete one" });
    expect(del.positionals).toEqual([{ name: "name", description: "Image", required: true }]);
    expect(del.flags).toEqual([{ name: "yes", aliases: ["y"], type: "boolean", description: "" }]);
  });
});
