import { defineCommand } from "citty";
import { describeCommands, describeFlags } from "../../docs/commands";
import { UsageError } from "../../errors";
import { didYouMean } from "../../util/suggest";
import { globalArgs } from "../args";
import { completionScript, isShell, SHELLS } from "../completions/index";
import { printData } from "../output";
import { commands } from "./index";

export default defineCommand({
  meta: {
    name: "completions",
    description:
      "Print a shell completion script (e.g. `source <(rum completions bash)` in ~/.bashrc)",
  },
  args: {
    ...globalArgs,
    shell: {
      type: "positional",
      required: false,
      description: "Shell to complete for",
      valueHint: SHELLS.join("|"),
    },
  },
  async run({ args }) {
    const shell = args.shell ?? "";
    if (!isShell(shell)) {
      const what = shell
        ? `unknown shell \`${shell}\`${didYouMean(shell, SHELLS)}`
        : "no shell given";
      throw new UsageError(what, { hint: `use \`rum completions ${SHELLS.join("|")}\`` });
    }
    const input = {
      commands: await describeCommands(commands),
      globalFlags: describeFlags(globalArgs),
    };
    printData(completionScript(shell, input));
  },
});
