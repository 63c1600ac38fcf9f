import { defineCommand } from "citty";
import { colors } from "consola/utils";
import { type Check, type DoctorReport, libvirtUriFor, runDoctor } from "../../host/doctor";
import { imageCacheDir } from "../../image/cache";
import { connectArg, globalArgs, jsonArg } from "../args";
import { printData, printJson } from "../output";

export default defineCommand({
  meta: {
    name: "doctor",
    description:
      "Check the host (KVM, libvirt, default network, tools, firmware, disk) and say how to fix each problem",
  },
  args: { ...globalArgs, ...connectArg, ...jsonArg },
  async run({ args }) {
    const libvirtUri = await libvirtUriFor(args.config ?? "rum.toml", process.env, args.connect);
    const report = await runDoctor({ libvirtUri, cacheDir: imageCacheDir() });
    if (args.json) printJson(report);
    else printData(render(report));
    return report.ok ? 0 : 1;
  },
});

function fancyOutput(): boolean {
  return Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && process.env.TERM !== "dumb";
}

/** One line per check, the fix under each failure, then a one-line verdict. */
export function render(report: DoctorReport, fancy = fancyOutput()): string {
  const mark = (c: Check) => {
    if (c.ok) return fancy ? colors.green("✓") : "ok  ";
    if (c.severity === "error") return fancy ? colors.red("✗") : "FAIL";
    return fancy ? colors.yellow("!") : "warn";
  };
  const width = Math.max(...report.checks.map((c) => c.id.length));
  const lines: string[] = [];
  for (const c of report.checks) {
    lines.push(`${mark(c)} ${c.id.padEnd(width)}  ${c.summary}`);
    if (!c.ok && c.fix) lines.push(`${" ".repeat(fancy ? 2 : 5)}fix: ${c.fix}`);
  }
  const errors = report.checks.filter((c) => !c.ok && c.severity === "error").length;
  const warnings = report.checks.filter((c) => !c.ok && c.severity === "warning").length;
  const passed = report.checks.length - errors - warnings;
  const counts = `${passed} ok, ${warnings} warning${warnings === 1 ? "" : "s"}, ${errors} error${errors === 1 ? "" : "s"}`;
  lines.push(
    "",
    errors
      ? `${counts}: rum cannot run VMs on this host until the errors are fixed`
      : `${counts}: this host can run rum VMs`,
  );
  return lines.join("\n");
}
