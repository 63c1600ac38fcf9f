import { defineCommand } from "citty";
import { requireTarget } from "../../guest/session";
import { sshConfigBlock } from "../../guest/ssh-config";
import { openVm } from "../../vm/context";
import { connectArg, globalArgs, jsonArg } from "../args";
import { printData, printJson } from "../output";
import { loadFromArgs } from "../vm-args";

export default defineCommand({
  meta: {
    name: "ssh-config",
    description: "Print a Host block for ~/.ssh/config (pinned host key)",
  },
  args: { ...globalArgs, ...connectArg, ...jsonArg },
  async run({ args }) {
    const loaded = await loadFromArgs(args);
    const target = await requireTarget(openVm(loaded, args.connect));
    const block = sshConfigBlock(loaded.name, target);
    if (args.json) printJson({ ok: true, host: loaded.name, config: block });
    else printData(block);
    return 0;
  },
});
