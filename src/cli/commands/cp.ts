import { defineCommand } from "citty";
import { RumError, UsageError } from "../../errors";
import { requireTarget } from "../../guest/session";
import { parseCopyPath, scpArgv } from "../../guest/ssh-argv";
import { run } from "../../host/proc";
import { openVm } from "../../vm/context";
import { connectArg, globalArgs } from "../args";
import { loadFromArgs } from "../vm-args";

export default defineCommand({
  meta: {
    name: "cp",
    description: "Copy files between host and guest (:path is the guest side), recursively",
  },
  args: {
    ...globalArgs,
    ...connectArg,
    src: { type: "positional", description: "Source (host path, or :guest-path)", required: true },
    dst: {
      type: "positional",
      description: "Destination (host path, or :guest-path)",
      required: true,
    },
  },
  async run({ args }) {
    const src = parseCopyPath(args.src);
    const dst = parseCopyPath(args.dst);
    if (src.side === dst.side) {
      throw new UsageError(
        `rum cp copies between host and guest, but both paths are on the ${src.side}`,
        {
          hint: "prefix the guest path with ':' (e.g. rum cp ./file :/tmp/file)",
        },
      );
    }
    const target = await requireTarget(openVm(await loadFromArgs(args), args.connect));
    const r = await run(scpArgv(target, [src], dst, { recursive: true }), { allowFailure: true });
    if (r.exitCode !== 0) {
      throw new RumError(`copy failed: ${r.stderr.trim() || `scp exited with ${r.exitCode}`}`, {
        hint: "check both paths; guest paths are relative to the user's home unless absolute",
      });
    }
    return 0;
  },
});
