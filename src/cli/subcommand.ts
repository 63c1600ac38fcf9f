/**
 * Verbs with sub-commands (`rum image list`, `rum snapshot save NAME`). citty
 * takes the first word that is not a flag as the sub-command and gives it only
 * the words after it, so `rum -c x.toml image list` would pick "x.toml" and
 * `rum image --json list` would lose --json.
 */
import type { ArgsDef, CommandDef } from "citty";
import { UsageError } from "../errors";
import { didYouMean } from "../util/suggest";
import { checkFlags } from "./parse";

/** Flags that take a value, whose value is not a sub-command name. */
const VALUED = new Set(["-c", "--config", "--connect"]);

/**
 * Move the real sub-command name to the front (in place: citty dispatches on
 * this very array), then check the flags against that sub-command's own set.
 */
export function frontSubcommand(
  verb: string,
  // biome-ignore lint/suspicious/noExplicitAny: citty's CommandDef is generic over its args
  subCommands: Record<string, CommandDef<any>>,
  rawArgs: string[],
): void {
  let i = 0;
  while (i < rawArgs.length) {
    const a = rawArgs[i] as string;
    if (VALUED.has(a)) i += 2;
    else if (a.startsWith("-")) i++;
    else break;
  }
  const names = Object.keys(subCommands);
  const name = rawArgs[i];
  if (name === undefined) {
    throw new UsageError(`missing sub-command: rum ${verb} ${names.join("|")}`, {
      hint: `see \`rum ${verb} --help\``,
    });
  }
  const sub = subCommands[name];
  if (!sub) {
    throw new UsageError(`unknown sub-command \`${verb} ${name}\`${didYouMean(name, names)}`, {
      hint: `rum ${verb} ${names.join("|")}`,
    });
  }
  rawArgs.splice(i, 1);
  rawArgs.unshift(name);
  checkFlags(`${verb} ${name}`, rawArgs.slice(1), sub.args as ArgsDef);
}
