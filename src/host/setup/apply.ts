/**
 * Carry out one step's actions in order, stopping at the first that fails.
 * A failure names the command, its exit and stderr tail; the step's by-hand
 * instruction goes with it in the StepResult. Nothing here decides *what* to
 * do: that is the planner's job.
 */
import { readFile, writeFile } from "node:fs/promises";
import { formatArgv, run, stderrTail } from "../proc";
import { setConfKeys } from "./libvirtd-conf";
import { type Action, resultOf, type Step, type StepResult } from "./steps";

const WAIT_MS = 10_000;
const POLL_MS = 200;
/** Package installs may download hundreds of MB: generous, but not forever. */
const RUN_TIMEOUT_MS = 30 * 60_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Throws an Error whose message says what failed; returns on success. */
async function perform(a: Action): Promise<void> {
  switch (a.kind) {
    case "run": {
      const r = await run(a.argv, { allowFailure: true, timeoutMs: RUN_TIMEOUT_MS });
      if (r.exitCode === 0 && !r.timedOut) return;
      const what = r.timedOut ? "timed out" : `exited with code ${r.exitCode}`;
      const tail = stderrTail(r.stderr || r.stdout, 6);
      throw new Error(`\`${formatArgv(a.argv)}\` ${what}${tail ? `:\n${tail}` : ""}`);
    }
    case "edit": {
      // A package may install no config file at all: then the settings are the file.
      const before = await readFile(a.path, "utf8").catch(() => "");
      const edit = setConfKeys(before, a.settings);
      if (edit.changes.length) await writeFile(a.path, edit.text);
      return;
    }
    case "stop": {
      if (alive(a.pid)) process.kill(a.pid, "SIGTERM");
      for (let t = 0; t < WAIT_MS && alive(a.pid); t += POLL_MS) await sleep(POLL_MS);
      if (alive(a.pid))
        throw new Error(`${a.name} (pid ${a.pid}) did not exit within 10 s of SIGTERM`);
      return;
    }
    case "wait": {
      let last = "";
      for (let t = 0; t < WAIT_MS; t += POLL_MS) {
        const r = await run(a.argv, { allowFailure: true, timeoutMs: WAIT_MS });
        if (r.exitCode === 0) return;
        last = stderrTail(r.stderr, 3);
        await sleep(POLL_MS);
      }
      throw new Error(
        `\`${formatArgv(a.argv)}\` still fails after 10 s${last ? `:\n${last}` : ""}`,
      );
    }
  }
}

export async function applyStep(step: Step): Promise<StepResult> {
  if (step.actions.length === 0) return resultOf(step, "already");
  for (const a of step.actions) {
    try {
      await perform(a);
    } catch (e) {
      return resultOf(step, "failed", (e as Error).message);
    }
  }
  return resultOf(step, "done");
}
