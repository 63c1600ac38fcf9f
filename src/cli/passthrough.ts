/**
 * Commands that hand words to the guest (exec, ssh) and whose exit code is
 * the guest's (exec, ssh, cp), so rum's own failures there must not look like
 * a guest command's.
 */
import type { ArgsDef } from "citty";

/** rum's own failure in these is exit 125 (see ExitCode.cannotRun). */
export const GUEST_EXIT_VERBS: ReadonlySet<string> = new Set(["exec", "ssh", "cp"]);

/** These take no positionals of their own: every word after rum's flags is for the guest. */
const COMMAND_VERBS: ReadonlySet<string> = new Set(["exec", "ssh"]);

/** Arguments after `--`, passed to the guest untouched (exec, ssh). */
export function afterDashDash(rawArgs: string[]): string[] {
  const i = rawArgs.indexOf("--");
  return i < 0 ? [] : rawArgs.slice(i + 1);
}

/**
 * `rum exec uname -a` means `rum exec -- uname -a`: the first word that is
 * neither one of rum's flags nor a flag's value starts the guest command, so
 * `--` is inserted there (and the guest's own flags are not taken for rum's).
 */
export function insertDashDash(verb: string, rest: string[], def: ArgsDef): string[] {
  if (!COMMAND_VERBS.has(verb) || rest.includes("--")) return rest;
  const takesValue = new Set<string>();
  for (const [name, arg] of Object.entries(def)) {
    if (arg.type !== "string") continue;
    takesValue.add(`--${name}`);
    const alias = "alias" in arg ? arg.alias : undefined;
    for (const a of alias ? [alias].flat() : []) takesValue.add(`-${a}`);
  }
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i] as string;
    if (takesValue.has(a)) i++;
    else if (!a.startsWith("-") || a === "-") return [...rest.slice(0, i), "--", ...rest.slice(i)];
  }
  return rest;
}
