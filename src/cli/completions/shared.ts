/** Pieces every shell's generator shares: the input and how values complete. */
import type { CommandInfo, FlagInfo, PositionalInfo } from "../../docs/commands";

export interface CompletionInput {
  commands: CommandInfo[];
  /** Flags accepted before any command (rum -c FILE …); --version and --help are added. */
  globalFlags: FlagInfo[];
}

/** What a flag's or argument's value completes to. */
export type ValueKind = "toml" | "file" | "dir" | "none";

export function valueKind(arg: FlagInfo | PositionalInfo): ValueKind {
  // rum's configs are TOML files; -c completes only those.
  if (arg.name === "config") return "toml";
  // Positionals often carry no hint; their name (src, dst, dir) says enough.
  const hint = (arg.valueHint ?? arg.name).toUpperCase();
  if (/^(DIR|FOLDER)$/.test(hint)) return "dir";
  if (/^(FILE|PATH|SRC|DST|SOURCE|DEST)$/.test(hint)) return "file";
  return "none";
}

/** `-c`, `--config`: every spelling of a flag. */
export function flagForms(f: FlagInfo): string[] {
  return [...f.aliases.map((a) => `-${a}`), `--${f.name}`];
}

export const VERSION_FLAG: FlagInfo = {
  name: "version",
  aliases: [],
  type: "boolean",
  description: "Print rum's version",
};

/** `--help` is added by the dispatcher to every command, so it is offered everywhere. */
export const HELP_FLAG: FlagInfo = {
  name: "help",
  aliases: ["h"],
  type: "boolean",
  description: "Show usage",
};
