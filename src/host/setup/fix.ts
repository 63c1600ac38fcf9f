/**
 * `rum doctor --fix` in the core: read the host, plan, (ask once), apply stage
 * by stage with the facts read again before each, and say what happened. The
 * CLI only renders the result; the root check is its job too.
 */
import { type Arch, hostArch } from "../../config/arch";
import { applyStep } from "./apply";
import type { HostFacts } from "./facts";
import { gatherFacts } from "./gather";
import { planAll, planStage, STAGES } from "./plan";
import { NO_USER_NOTE } from "./plan-host";
import { resultOf, type Step, type StepResult } from "./steps";

export interface FixOptions {
  dryRun: boolean;
  /** Guest arches to install emulators and firmware for, besides the host's own. */
  arches?: Arch[];
  /** Asked once with the projected plan's steps that change something; false aborts. */
  confirm?: (changes: Step[]) => Promise<boolean>;
  /** Told before a step with work starts (a package install can take minutes) and when any step ends. */
  onStart?: (step: Step) => void;
  onStep?: (r: StepResult) => void;
  /** Facts source and step runner; tests pass fixtures and fakes. */
  gather?: () => Promise<HostFacts>;
  apply?: (step: Step) => Promise<StepResult>;
}

export interface FixResult {
  /** PRETTY_NAME of the host's OS. */
  distro: string;
  dryRun: boolean;
  /** Something on the host was changed (false: nothing to do, or a dry run). */
  changed: boolean;
  /** The user said no at the prompt: nothing was changed. */
  declined: boolean;
  steps: StepResult[];
  notes: string[];
}

const isBlocking = (r: StepResult) => r.status === "failed" || r.status === "skipped";

export async function fixHost(opts: FixOptions): Promise<FixResult> {
  const arches: Arch[] = [hostArch(), ...(opts.arches ?? [])];
  const gather = opts.gather ?? (() => gatherFacts(process.env, arches));
  let facts = await gather();
  const preview = planAll(facts);
  const todo = preview.filter((s) => s.actions.length > 0);
  const notes = facts.invokingUser ? [] : [NO_USER_NOTE];
  const base = { distro: facts.os.prettyName, dryRun: opts.dryRun, notes };
  if (opts.dryRun || todo.length === 0) {
    const steps = preview.map((s) => resultOf(s, s.actions.length ? "planned" : "already"));
    return { ...base, changed: false, declined: false, steps };
  }
  if (opts.confirm && !(await opts.confirm(todo))) {
    const steps = preview.map((s) => resultOf(s, s.actions.length ? "planned" : "already"));
    return { ...base, changed: false, declined: true, steps };
  }
  const results: StepResult[] = [];
  for (let stage = 0; stage < STAGES; stage++) {
    if (stage > 0) facts = await gather();
    for (const step of planStage(stage, facts)) {
      const blocked = step.after.find((id) => results.some((r) => r.id === id && isBlocking(r)));
      if (!blocked && step.actions.length) opts.onStart?.(step);
      const result = blocked
        ? resultOf(step, "skipped", `not run: step "${blocked}" did not succeed`)
        : await (opts.apply ?? applyStep)(step);
      results.push(result);
      opts.onStep?.(result);
    }
  }
  const changed = results.some((r) => r.status === "done");
  return { ...base, changed, declined: false, steps: results };
}
