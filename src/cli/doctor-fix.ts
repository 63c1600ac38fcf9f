/**
 * `rum doctor --fix` / `--dry-run` for the command line: the root check, the
 * one confirmation, progress on stderr, the plan or result on stdout, then the
 * normal doctor report. The work itself is src/host/setup/fix.ts.
 */

import { createInterface } from "node:readline/promises";
import { isatty } from "node:tty";
import type { Arch } from "../config/arch";
import { RumError } from "../errors";
import type { DoctorReport } from "../host/doctor";
import { hostFixCommand as fixCommand } from "../host/fix-hint";
import { formatArgv } from "../host/proc";
import { type FixResult, fixHost } from "../host/setup/fix";
import { resultOf, type Step, type StepResult } from "../host/setup/steps";
import { stderr } from "../log";
import { printData, printJson } from "./output";

export interface FixArgs {
  dryRun: boolean;
  yes: boolean;
  json: boolean;
  /** -q: no progress lines on stderr. */
  quiet: boolean;
  /** Guest arches the host must run besides its own (an aarch64 rum.toml in reach). */
  arches: Arch[];
}

async function ask(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

const MARK: Record<StepResult["status"], string> = {
  done: "done",
  already: "ok  ",
  failed: "FAIL",
  planned: "plan",
  skipped: "skip",
};

function stepLines(r: StepResult): string[] {
  const lines = [`${MARK[r.status]} ${r.id.padEnd(13)} ${r.title}`];
  lines.push(...r.commands.map((c) => `       $ ${formatArgv(c)}`));
  if (r.error) lines.push(...r.error.split("\n").map((l) => `       ${l}`));
  if (r.byHand) lines.push(`       by hand: ${r.byHand}`);
  if (r.note) lines.push(`       note: ${r.note}`);
  return lines;
}

const planText = (steps: Step[]) => steps.flatMap((s) => stepLines(resultOf(s, "planned")));

export function renderFix(result: FixResult): string {
  const head = result.dryRun
    ? `rum doctor --fix --dry-run on ${result.distro}: nothing is changed`
    : `rum doctor --fix on ${result.distro}`;
  const body = result.steps.flatMap(stepLines);
  const todo = result.steps.filter((r) => r.status === "planned").length;
  let verdict = result.changed ? "host changed" : "nothing to do: the host is already set up";
  if (result.dryRun) verdict = todo ? `${todo} step(s) would change the host` : verdict;
  if (result.declined) verdict = "nothing was changed (not confirmed)";
  if (result.steps.some((r) => r.status === "failed")) verdict = "a step failed: see above";
  return [head, ...body, ...result.notes.map((n) => `note: ${n}`), "", verdict].join("\n");
}

/**
 * Returns the exit code. `report` runs the normal checks once the host has
 * been changed (or, for a dry run, as it is now).
 */
export async function runFix(
  args: FixArgs,
  report: () => Promise<DoctorReport>,
  render: (r: DoctorReport) => string,
) {
  if (!args.dryRun && process.getuid?.() !== 0) {
    throw new RumError(
      "rum doctor --fix changes the host and must run as root: nothing was changed",
      {
        hint: fixCommand(),
      },
    );
  }
  const tty = Boolean(isatty(0) && isatty(2));
  const progress = (line: string) => {
    if (!args.json && !args.quiet) stderr.write(`${line}\n`);
  };
  const result = await fixHost({
    dryRun: args.dryRun,
    arches: args.arches,
    confirm:
      args.yes || !tty
        ? undefined
        : async (changes) => {
            stderr.write(`${planText(changes).join("\n")}\n`);
            return ask(`Apply these ${changes.length} changes? [y/N] `);
          },
    // Progress for the steps that do something; the full list follows on stdout.
    onStart: (step) => progress(`...  ${step.id}: ${step.title}`),
    onStep: (r) => {
      if (r.status !== "already") progress(`${MARK[r.status]} ${r.id}: ${r.title}`);
    },
  });
  const final = await report();
  const failed = result.steps.some((r) => r.status === "failed" || r.status === "skipped");
  if (args.json) printJson({ ...result, report: final });
  else printData(`${renderFix(result)}${args.dryRun ? "" : `\n\n${render(final)}`}`);
  if (args.dryRun) return 0;
  return final.ok && !failed && !result.declined ? 0 : 1;
}
