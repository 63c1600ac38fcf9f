import { defineCommand } from "citty";
import { revision, version } from "../../version";
import { jsonArg } from "../args";
import { printData, printJson } from "../output";

export default defineCommand({
  meta: { name: "version", description: "Print rum's version and git revision" },
  args: { ...jsonArg },
  run({ args }) {
    if (args.json) printJson({ version, revision });
    else printData(`rum ${version} (${revision})`);
  },
});
