import { defineCommand } from "citty";
import { configJsonSchemaText } from "../../config/json-schema";
import { globalArgs } from "../args";
import { printData } from "../output";

export default defineCommand({
  meta: {
    name: "schema",
    description:
      "Print the JSON Schema of rum.toml (for editors: put `#:schema ./rum.schema.json` atop rum.toml)",
  },
  args: { ...globalArgs },
  run() {
    printData(configJsonSchemaText());
  },
});
