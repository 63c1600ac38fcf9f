import { defineCommand } from "citty";
import { UsageError } from "../../errors";
import { followProvision, provisionFailed } from "../../guest/provision";
import { requireTarget } from "../../guest/session";
import { log } from "../../log";
import type { ProvisionKind } from "../../seed/cloudinit/guest-paths";
import { openVm } from "../../vm/context";
import { connectArg, globalArgs } from "../args";
import { printData } from "../output";
import { loadAndRecord } from "../vm-args";

export default defineCommand({
  meta: { name: "provision", description: "Re-run the provisioning scripts on the running VM" },
  args: {
    ...globalArgs,
    ...connectArg,
    system: {
      type: "boolean",
      description: "Run [provision.system] (default: both that are configured)",
    },
    boot: { type: "boolean", description: "Run [provision.boot]" },
  },
  async run({ args }) {
    const loaded = await loadAndRecord(args);
    const configured = (["system", "boot"] as const).filter((k) => loaded.config.provision[k]);
    const wanted: ProvisionKind[] =
      args.system || args.boot ? configured.filter((k) => args[k]) : configured;
    const missing = (["system", "boot"] as const).filter(
      (k) => args[k] && !loaded.config.provision[k],
    );
    if (missing.length > 0) {
      throw new UsageError(`rum.toml has no [provision.${missing[0]}] script`, {
        hint: `add [provision.${missing[0]}] script = "…" to rum.toml`,
      });
    }
    if (wanted.length === 0) {
      log.info("rum.toml has no provisioning scripts; nothing to run");
      return 0;
    }
    const target = await requireTarget(openVm(loaded, args.connect));
    for (const kind of wanted) {
      log.start(`${kind} provisioning`);
      const script = loaded.config.provision[kind]?.script ?? "";
      const r = await followProvision(target, kind, { start: script }, (line) => printData(line));
      if (r.exitCode !== 0) throw provisionFailed(r);
      log.success(`${kind} provisioning finished`);
    }
    return 0;
  },
});
