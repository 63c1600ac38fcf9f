import { defineCommand } from "citty";
import { configJsonSchemaText } from "../../config/json-schema";
import { globalArgs, jsonArg } from "../args";
import { printData } from "../output";

export default defineCommand({
  meta: {
    name: "schema",
    description:
      "Print the JSON Schema of rum.toml (for editors: put `#:schema ./rum.schema.json` atop rum.toml)",
  },
  // The schema is a JSON document already: --json is accepted and changes nothing.
  args: { ...globalArgs, ...jsonArg },
  run() {
    printData(configJsonSchemaText());
  },
});
