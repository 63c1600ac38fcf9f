import { defineCommand } from "citty";
import { requireTarget } from "../../guest/session";
import { sshConfigBlock } from "../../guest/ssh-config";
import { openVm } from "../../vm/context";
import { connectArg, globalArgs } from "../args";
import { printData } from "../output";
import { loadFromArgs } from "../vm-args";

export default defineCommand({
  meta: {
    name: "ssh-config",
    description: "Print a Host block for ~/.ssh/config (pinned host key)",
  },
  args: { ...globalArgs, ...connectArg },
  async run({ args }) {
    const loaded = await loadFromArgs(args);
    const target = await requireTarget(openVm(loaded, args.connect));
    printData(sshConfigBlock(loaded.name, target));
    return 0;
  },
});
