import { defineCommand } from "citty";
import { log } from "../../log";
import { dumpSeed } from "../../vm/dump-seed";
import { connectArg, globalArgs, jsonArg } from "../args";
import { printData, printJson } from "../output";
import { loadFromArgs } from "../vm-args";

export default defineCommand({
  meta: {
    name: "dump-iso",
    description: "Write the seed ISO and its files to DIR (read back by rum's ISO reader)",
  },
  args: {
    ...globalArgs,
    ...connectArg,
    ...jsonArg,
    dir: { type: "positional", description: "Output folder (created if missing)", required: true },
  },
  async run({ args }) {
    const files = await dumpSeed(await loadFromArgs(args), args.dir, args.connect);
    log.success(`wrote seed.iso and ${files.length} files to ${args.dir}`);
    if (args.json) printJson({ ok: true, dir: args.dir, files });
    else for (const f of files) printData(f);
    return 0;
  },
});
