import { defineCommand } from "citty";
import { ConfigSchema } from "../../config/schema";
import { describeCommands, describeFlags } from "../../docs/commands";
import { renderSkill } from "../../docs/skill";
import { version } from "../../version";
import { globalArgs, jsonArg } from "../args";
import { printData, printJson } from "../output";
import { commands } from "./index";

export default defineCommand({
  meta: {
    name: "skill",
    description:
      "Print a Markdown guide to rum (commands, rum.toml schema, workflows) for AI coding agents",
  },
  args: { ...globalArgs, ...jsonArg },
  async run({ args }) {
    const markdown = renderSkill({
      version,
      commands: await describeCommands(commands),
      globalFlags: describeFlags(globalArgs),
      schema: ConfigSchema,
    });
    if (args.json) printJson({ ok: true, version, markdown });
    else printData(markdown);
  },
});
