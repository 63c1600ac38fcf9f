import { defineCommand } from "citty";
import { loadConfig } from "../../config/load";
import { renderResolved } from "../../config/render";
import { globalArgs, jsonArg } from "../args";
import { printData, printJson } from "../output";

export default defineCommand({
  meta: {
    name: "validate",
    description:
      "Check rum.toml and print the resolved config (defaults filled in, VM and domain name)",
  },
  args: { ...globalArgs, ...jsonArg },
  // A failure becomes {ok: false, error, errors} on stdout with --json (src/cli/report.ts).
  async run({ args }) {
    const loaded = await loadConfig({ path: args.config });
    if (!args.json) {
      // The header names the file used: discovery may have found it in a parent folder.
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
  },
});
