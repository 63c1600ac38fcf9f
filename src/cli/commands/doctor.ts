import { isatty } from "node:tty";
import { defineCommand } from "citty";
import { colors } from "consola/utils";
import {
  type Check,
  type DoctorReport,
  type HostNeeds,
  libvirtUriFor,
  runDoctor,
} from "../../host/doctor";
import { needsOf } from "../../host/doctor-needs";
import { hostFixCommand as fixCommand } from "../../host/fix-hint";
import { imageCacheDir } from "../../image/cache";
import { connectArg, globalArgs, jsonArg } from "../args";
import { runFix } from "../doctor-fix";
import { printData, printJson } from "../output";
import { loadFromArgs } from "../vm-args";

export default defineCommand({
  meta: {
    name: "doctor",
    description:
      "Check the host (KVM, libvirt, default network, tools, firmware, disk) for the VM at hand and say how to fix each problem; --fix repairs it",
  },
  args: {
    ...globalArgs,
    ...connectArg,
    ...jsonArg,
    fix: {
      type: "boolean",
      description:
        "Install and configure what the host lacks (as root: packages, libvirt, network, groups)",
    },
    "dry-run": {
      type: "boolean",
      description: "With --fix: print every step and its commands, change nothing (any user)",
    },
    yes: { type: "boolean", alias: "y", description: "With --fix: do not ask for confirmation" },
  },
  async run({ args }) {
    const libvirtUri = await libvirtUriFor(args.config ?? "rum.toml", process.env, args.connect);
    const needs = await configNeeds(args, libvirtUri);
    const report = () =>
      runDoctor({ libvirtUri, cacheDir: imageCacheDir(), needs, fixCommand: fixCommand() });
    if (args.fix || args["dry-run"]) {
      const flags = {
        dryRun: Boolean(args["dry-run"]),
        yes: Boolean(args.yes),
        json: Boolean(args.json),
        quiet: Boolean(args.quiet),
        arches: needs.aarch64 ? ["aarch64" as const] : [],
      };
      return runFix(flags, report, (r) => render(r));
    }
    const result = await report();
    if (args.json) printJson(result);
    else printData(render(result));
    return result.ok ? 0 : 1;
  },
});

/** What the rum.toml in reach needs; none without one (or with a broken one: `rum validate` says why). */
async function configNeeds(args: { config?: string }, uri: string): Promise<HostNeeds> {
  try {
    return needsOf(await loadFromArgs(args), uri);
  } catch {
    return {};
  }
}

function fancyOutput(): boolean {
  return Boolean(isatty(1)) && !process.env.NO_COLOR && process.env.TERM !== "dumb";
}

/** One line per check, the fix under each failure, then a one-line verdict. */
export function render(report: DoctorReport, fancy = fancyOutput()): string {
  const mark = (c: Check) => {
    if (c.status === "ok") return fancy ? colors.green("✓") : "ok  ";
    if (c.status === "error") return fancy ? colors.red("✗") : "FAIL";
    return fancy ? colors.yellow("!") : "warn";
  };
  const width = Math.max(...report.checks.map((c) => c.id.length));
  const lines: string[] = [];
  for (const c of report.checks) {
    lines.push(`${mark(c)} ${c.id.padEnd(width)}  ${c.summary}`);
    if (c.status !== "ok" && c.fix) lines.push(`${" ".repeat(fancy ? 2 : 5)}fix: ${c.fix}`);
  }
  const count = (s: Check["status"]) => report.checks.filter((c) => c.status === s).length;
  const [passed, warnings, errors] = [count("ok"), count("warning"), count("error")];
  const counts = `${passed} ok, ${warnings} warning${warnings === 1 ? "" : "s"}, ${errors} error${errors === 1 ? "" : "s"}`;
  lines.push(
    "",
    errors
      ? `${counts}: rum cannot run VMs on this host until the errors are fixed`
      : `${counts}: this host can run rum VMs`,
  );
  return lines.join("\n");
}
