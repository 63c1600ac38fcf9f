/**
 * The command registry as plain data: what `rum skill` and the shell
 * completions are generated from, so neither can drift from the real flags.
 */
import type { ArgsDef, CommandDef, Resolvable } from "citty";

export interface FlagInfo {
  name: string;
  /** Short forms without the dash, e.g. ["c"]. */
  aliases: string[];
  type: "boolean" | "string";
  description: string;
  valueHint?: string;
  /** Allowed values, from a valueHint written as `a|b|c`. */
  choices?: string[];
}

export interface PositionalInfo {
  name: string;
  description: string;
  required: boolean;
  valueHint?: string;
  choices?: string[];
}

export interface CommandInfo {
  name: string;
  description: string;
  flags: FlagInfo[];
  positionals: PositionalInfo[];
  subcommands: CommandInfo[];
}

export type CommandRegistry = Record<string, () => Promise<CommandDef>>;

async function resolve<T>(value: Resolvable<T> | undefined): Promise<T | undefined> {
  return typeof value === "function" ? await (value as () => T | Promise<T>)() : await value;
}

const choicesOf = (hint: string | undefined) => (hint?.includes("|") ? hint.split("|") : undefined);

export function describeFlags(args: ArgsDef): FlagInfo[] {
  const flags: FlagInfo[] = [];
  for (const [name, def] of Object.entries(args)) {
    if (def.type === "positional") continue;
    const alias = "alias" in def && def.alias ? [def.alias].flat() : [];
    // A boolean that defaults to on is only ever typed as its negation (citty: --no-wait).
    const negated = def.type === "boolean" && def.default === true;
    flags.push({
      name: negated ? `no-${name}` : name,
      aliases: negated ? [] : alias,
      type: def.type === "string" ? "string" : "boolean",
      description: def.description ?? "",
      ...(def.valueHint ? { valueHint: def.valueHint } : {}),
      ...(choicesOf(def.valueHint) ? { choices: choicesOf(def.valueHint) } : {}),
    });
  }
  return flags;
}

function describePositionals(args: ArgsDef): PositionalInfo[] {
  return Object.entries(args)
    .filter(([, def]) => def.type === "positional")
    .map(([name, def]) => ({
      name,
      description: def.description ?? "",
      // citty treats positionals as required unless they say otherwise.
      required: def.required !== false && def.default === undefined,
      ...(def.valueHint ? { valueHint: def.valueHint } : {}),
      ...(choicesOf(def.valueHint) ? { choices: choicesOf(def.valueHint) } : {}),
    }));
}

export async function describeCommand(name: string, def: CommandDef): Promise<CommandInfo> {
  const meta = await resolve(def.meta);
  const args = (await resolve(def.args)) ?? {};
  const subs = (await resolve(def.subCommands)) ?? {};
  const subcommands: CommandInfo[] = [];
  for (const [subName, sub] of Object.entries(subs)) {
    const subDef = await resolve<CommandDef>(sub);
    if (subDef) subcommands.push(await describeCommand(subName, subDef));
  }
  return {
    name,
    description: meta?.description ?? "",
    flags: describeFlags(args),
    positionals: describePositionals(args),
    subcommands,
  };
}

/**
 * Every command that loads, in registry order. A command whose module fails
 * to load (not written yet, or broken) is left out rather than failing the
 * whole listing: `rum skill` must keep working while the CLI grows.
 */
export async function describeCommands(registry: CommandRegistry): Promise<CommandInfo[]> {
  const loaded = await Promise.all(
    Object.entries(registry).map(([name, load]) =>
      load().then(
        (def) => describeCommand(name, def),
        () => undefined,
      ),
    ),
  );
  return loaded.filter((c): c is CommandInfo => c !== undefined);
}

/** The usage form of a command, e.g. `rum image delete NAME`. */
export function usage(path: string[], cmd: CommandInfo): string {
  const pos = cmd.positionals.map((p) => {
    const word = p.choices ? p.choices.join("|") : (p.valueHint ?? p.name).toUpperCase();
    return p.required ? word : `[${word}]`;
  });
  return ["rum", ...path, ...pos].join(" ");
}
