// The JSON Schema for editors and the file `rum init` writes are both derived
// from the typebox schema: check they cover it and cannot drift from it.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { configJsonSchema, configJsonSchemaText } from "../../src/config/json-schema";
import { loadConfigText } from "../../src/config/load";
import { ConfigSchema } from "../../src/config/schema";
import { renderInitConfig } from "../../src/config/template";

const repo = join(import.meta.dir, "../..");

interface Node {
  properties?: Record<string, Node>;
  items?: Node;
  patternProperties?: Record<string, Node>;
  required?: string[];
  description?: string;
}

describe("JSON Schema", () => {
  test("the committed rum.schema.json is what `rum schema` prints", () => {
    expect(readFileSync(join(repo, "rum.schema.json"), "utf8")).toBe(configJsonSchemaText());
  });

  test("it is a draft-07 document with an id and a title", () => {
    const doc = configJsonSchema();
    expect(doc.$schema).toBe("http://json-schema.org/draft-07/schema#");
    expect(doc.$id).toBeString();
    expect(doc.title).toBe("rum.toml");
  });

  test("only keys without a default are required in the file", () => {
    const doc = configJsonSchema() as Node;
    expect(doc.required).toEqual(["image"]);
    expect(doc.properties?.image?.required).toEqual(["base"]);
    expect(doc.properties?.resources?.required).toBeUndefined();
    expect(doc.properties?.mounts?.items?.required).toEqual(["source", "target"]);
    expect(doc.properties?.ports?.items?.required).toEqual(["host", "guest"]);
  });

  test("every top-level key has a description", () => {
    const props = (configJsonSchema() as Node).properties ?? {};
    for (const [key, node] of Object.entries(props)) {
      expect(`${key}: ${node.description ?? ""}`).toMatch(/: \S/);
    }
  });
});

describe("rum init template", () => {
  const text = renderInitConfig({ image: "debian-12", cpus: 2, memoryMb: 2048 });

  test("it loads, with the chosen values", () => {
    const loaded = loadConfigText(text, "/tmp/rum-init-check/rum.toml");
    expect(loaded.config.image.base).toBe("debian-12");
    expect(loaded.config.resources).toEqual({ cpus: 2, memory_mb: 2048, disk: "20G" });
  });

  test("every section appears, tables as headers and optional ones commented out", () => {
    for (const header of ["[image]", "[resources]", "[network]", "[advanced]", "[ssh]", "[user]"]) {
      expect(text).toContain(`\n${header}\n`);
    }
    for (const commented of [
      "# name = ",
      "# [[network.interfaces]]",
      "# [provision.system]",
      "# [provision.boot]",
      "# [[mounts]]",
      "# [drives.data]",
      "# [[fs.ext4]]",
      "# [[fs.xfs]]",
      "# [[fs.btrfs]]",
      "# [[fs.zfs]]",
      "# [[ports]]",
    ]) {
      expect(text).toContain(commented);
    }
  });

  test("every scalar key of every table is there with its description", () => {
    const root = ConfigSchema as unknown as Node;
    for (const section of ["image", "resources", "network", "advanced", "ssh", "user"]) {
      for (const [key, node] of Object.entries(root.properties?.[section]?.properties ?? {})) {
        if (node.properties || node.items?.properties) continue;
        expect(text).toMatch(new RegExp(`\\n(# )?${key} = `));
        expect(text).toContain(`# ${node.description}\n`);
      }
    }
  });

  test("uncommenting every example still gives a loadable config, once drives exist (and one user-data)", () => {
    // Comment lines that are not a schema description (nor the intro) are examples or defaults.
    const descriptions = new Set(JSON.stringify(ConfigSchema).match(/"description":"[^"]*"/g));
    const isDescription = (l: string) =>
      descriptions.has(`"description":${JSON.stringify(l.slice(2))}`);
    const intro = text.split("\n\n")[0] as string;
    const uncommented = text
      .slice(intro.length)
      .split("\n")
      .map((l) => (l === "#" ? "" : l.startsWith("# ") && !isDescription(l) ? l.slice(2) : l))
      .join("\n");
    const withDrives = uncommented
      .replace(
        '[drives.data]\nsize = "10G"',
        ["data", "logs", "b1", "b2", "z1", "z2"]
          .map((d) => `[drives.${d}]\nsize = "1G"`)
          .join("\n"),
      )
      // user_data and user_data_file exclude each other; the inline example stays.
      .replace(/^user_data_file = .*$/m, "");
    expect(() => loadConfigText(withDrives, join(repo, "rum.toml"))).not.toThrow();
  });
});
