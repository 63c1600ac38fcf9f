import { defineCommand } from "citty";
import { loadConfig } from "../../config/load";
import { ConfigError, problemJson } from "../../config/problems";
import { renderResolved } from "../../config/render";
import { isRumError } from "../../errors";
import { globalArgs, jsonArg } from "../args";
import { printData, printJson } from "../output";

export default defineCommand({
  meta: {
    name: "validate",
    description:
      "Check rum.toml and print the resolved config (defaults filled in, VM and domain name)",
  },
  args: { ...globalArgs, ...jsonArg },
  async run({ args }) {
    try {
      const loaded = await loadConfig({ path: args.config });
      if (!args.json) {
        printData(renderResolved(loaded));
        return 0;
      }
      printJson({
        ok: true,
        path: loaded.path,
        name: loaded.name,
        domain: loaded.domainName,
        id8: loaded.id8,
        hash: loaded.hash,
        config: loaded.config,
      });
      return 0;
    } catch (e) {
      // Scripts and agents get the problems on stdout too; main.ts still reports on stderr.
      if (args.json && isRumError(e)) {
        const errors =
          e instanceof ConfigError
            ? e.problems.map(problemJson)
            : [{ path: "", message: e.message }];
        printJson({ ok: false, errors });
      }
      throw e;
    }
  },
});
