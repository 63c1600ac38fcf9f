/**
 * Command-line splitting that citty leaves to us: global flags may stand before
 * or after the verb, and unknown flags are errors rather than silently ignored.
 */
import type { ArgsDef } from "citty";
import { UsageError } from "../errors";
import { didYouMean } from "../util/suggest";

export interface SplitArgv {
  verb: string | undefined;
  /** Everything except the verb, in order (what the command's parser sees). */
  rest: string[];
  help: boolean;
  version: boolean;
}

const VALUE_FLAGS_BEFORE_VERB = new Set(["-c", "--config"]);

export function splitArgv(argv: string[]): SplitArgv {
  let verb: string | undefined;
  const rest: string[] = [];
  let help = false;
  let version = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === "--") {
      rest.push(...argv.slice(i));
      break;
    }
    if (a === "-h" || a === "--help") help = true;
    else if (a === "--version" && verb === undefined) version = true;
    else if (verb === undefined && !a.startsWith("-")) {
      verb = a;
      continue;
    }
    rest.push(a);
    if (verb === undefined && VALUE_FLAGS_BEFORE_VERB.has(a) && i + 1 < argv.length) {
      rest.push(argv[++i] as string);
    }
  }
  return { verb, rest, help, version };
}

/** Reject flags the command does not define, with a suggestion. */
export function checkFlags(verb: string, rest: string[], def: ArgsDef): void {
  const known = new Set<string>(["help", "h"]);
  const booleans = new Set<string>();
  for (const [name, arg] of Object.entries(def)) {
    if (arg.type === "positional") continue;
    const alias = "alias" in arg ? arg.alias : undefined;
    const names = [name, ...(alias ? [alias].flat() : [])];
    for (const n of names) {
      known.add(n);
      if (arg.type === "boolean") booleans.add(n);
    }
  }
  for (const a of rest) {
    if (a === "--") break;
    if (!a.startsWith("-") || a === "-") continue;
    const long = a.startsWith("--");
    const body = a.replace(/^--?/, "").split("=")[0] as string;
    const names = long
      ? [body.startsWith("no-") && booleans.has(body.slice(3)) ? body.slice(3) : body]
      : [...body];
    for (const n of names) {
      if (known.has(n)) continue;
      const flags = [...known].map((k) => (k.length === 1 ? `-${k}` : `--${k}`));
      const command = verb ? `rum ${verb}` : "rum";
      const flag = long ? `--${n}` : `-${n}`;
      throw new UsageError(`unknown option ${flag} for \`${command}\`${didYouMean(flag, flags)}`, {
        hint: `see \`${command} --help\``,
      });
    }
  }
}
