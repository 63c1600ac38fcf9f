/**
 * The vocabulary shared by the planner and the applier: a step is one thing
 * to make true on the host, with the actions that do it. A step planned with
 * no actions is already true. Actions are data, so a dry run can print them
 * and tests can compare them.
 */
export type Action =
  /** Run a command; a non-zero exit fails the step. */
  | { kind: "run"; argv: string[] }
  /** Set `key = value` lines in a config file in place (see libvirtd-conf.ts). */
  | { kind: "edit"; path: string; settings: readonly (readonly [string, string])[] }
  /** SIGTERM a daemon and wait until it is gone. */
  | { kind: "stop"; pid: number; name: string }
  /** Repeat a command until it succeeds (≤ 10 s): a daemon coming up. */
  | { kind: "wait"; argv: string[] };

export interface Step {
  id: string;
  /** What the step does, or (no actions) the state found. */
  title: string;
  actions: Action[];
  /** Ids of steps that must not have failed (or been skipped) for this one to run. */
  after: string[];
  /** How to do it by hand, shown when it fails. */
  byHand: string;
  /** Said once the step is done (e.g. a new login is needed). */
  note?: string;
}

export type StepStatus = "done" | "already" | "failed" | "planned" | "skipped";

export interface StepResult {
  id: string;
  title: string;
  /** Every action as an argv array, exactly what runs (edits and waits spelled as commands). */
  commands: string[][];
  status: StepStatus;
  error?: string;
  byHand?: string;
  note?: string;
}

export const VIRSH = ["virsh", "-c", "qemu:///system"];

/** An action as an argv a reader could type; edits and waits get a readable pseudo-command. */
export function commandOf(a: Action): string[] {
  switch (a.kind) {
    case "run":
    case "wait":
      return a.argv;
    case "edit":
      return ["edit", a.path, ...a.settings.map(([k, v]) => `${k} = ${v}`)];
    case "stop":
      return ["kill", String(a.pid)];
  }
}

export function resultOf(step: Step, status: StepStatus, error?: string): StepResult {
  return {
    id: step.id,
    title: step.title,
    commands: step.actions.map(commandOf),
    status,
    ...(error ? { error, byHand: step.byHand } : {}),
    ...(status === "done" && step.note ? { note: step.note } : {}),
  };
}
