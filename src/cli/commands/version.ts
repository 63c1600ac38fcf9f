import { defineCommand } from "citty";
import { revision, version } from "../../version";
import { globalArgs, jsonArg } from "../args";
import { printData, printJson } from "../output";

export default defineCommand({
  meta: { name: "version", description: "Print rum's version and git revision" },
  args: { ...globalArgs, ...jsonArg },
  run({ args }) {
    if (args.json) printJson({ version, revision });
    else printData(`rum ${version} (${revision})`);
  },
});
