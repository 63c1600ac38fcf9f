/**
 * `--help` as a reference page: usage, arguments, every flag, examples, and
 * at the top level the commands, global flags and exit codes. Built from the
 * same command registry as `rum skill` and the completions, plain text
 * (no Markdown backticks, no colours) and wrapped to 80 columns.
 */
import { type CommandInfo, type FlagInfo, usage } from "../docs/commands";
import { EXIT_CODES } from "../docs/exit-codes";
import { flagUsage } from "../docs/skill";
import { HELP_TEXT, ROOT_EXAMPLES } from "./help-text";

const WIDTH = 80;
/** Past this, a row's description starts on the next line instead. */
const MAX_LEFT = 24;
const HELP_FLAG: FlagInfo = {
  name: "help",
  aliases: ["h"],
  type: "boolean",
  description: "Show this help",
};

const plain = (s: string) => s.replaceAll("`", "");

/** Greedy word wrap; a word longer than the line stays whole. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of plain(text).split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** Two columns: names on the left, wrapped descriptions on the right. */
function rows(items: [string, string][]): string[] {
  if (items.length === 0) return [];
  const left = Math.min(MAX_LEFT, Math.max(...items.map(([l]) => l.length)));
  const indent = " ".repeat(2 + left + 2);
  return items.flatMap(([name, text]) => {
    const body = wrap(text, WIDTH - indent.length);
    if (name.length > left) return [`  ${name}`, ...body.map((b) => indent + b)];
    const [first = "", ...more] = body;
    return [`  ${name.padEnd(left)}  ${first}`.trimEnd(), ...more.map((b) => indent + b)];
  });
}

function section(title: string, lines: string[]): string[] {
  return lines.length ? ["", title, ...lines] : [];
}

const examples = (list: string[]) => list.map((e) => `  ${e}`);

/** Help for one command or sub-command (`path`: ["image", "pull"]). */
export function renderCommandHelp(path: string[], cmd: CommandInfo, globals: FlagInfo[]): string {
  const globalNames = new Set(globals.map((f) => f.name));
  const own = cmd.flags.filter((f) => !globalNames.has(f.name) && f.description);
  const text = HELP_TEXT[path.join(" ")];
  const generated = usage([], cmd).replace(/^rum ?/, "");
  const tail =
    text?.usage ??
    (cmd.subcommands.length ? `COMMAND [OPTIONS]` : `[OPTIONS]${generated ? ` ${generated}` : ""}`);
  return [
    ...wrap(`rum ${path.join(" ")}: ${cmd.description}`, WIDTH),
    ...section("USAGE", [`  rum ${path.join(" ")} ${tail}`]),
    ...section("COMMANDS", rows(cmd.subcommands.map((s) => [s.name, s.description]))),
    ...section(
      "ARGUMENTS",
      rows(
        cmd.positionals.map((p) => [
          p.choices ? p.choices.join("|") : (p.valueHint ?? p.name).toUpperCase(),
          `${p.description}${p.required ? "" : " (optional)"}`,
        ]),
      ),
    ),
    // A parent's flags are its sub-commands' (for dispatch): each sub-command's help lists its own.
    ...section(
      "OPTIONS",
      cmd.subcommands.length ? [] : rows(own.map((f) => [flagUsage(f), f.description])),
    ),
    ...section(
      "GLOBAL OPTIONS",
      rows([...globals, HELP_FLAG].map((f) => [flagUsage(f), f.description])),
    ),
    ...section("EXAMPLES", examples(text?.examples ?? [])),
    ...(cmd.subcommands.length
      ? ["", `Run 'rum ${path.join(" ")} COMMAND --help' for a command's options.`]
      : []),
  ].join("\n");
}

/** `rum --help`: the commands, the flags every command takes, and the exit codes. */
export function renderRootHelp(
  about: { version: string; description: string },
  commands: CommandInfo[],
  globals: FlagInfo[],
): string {
  const version: FlagInfo = {
    name: "version",
    aliases: [],
    type: "boolean",
    description: "Print rum's version and git revision",
  };
  return [
    `rum ${about.version}: ${about.description}`,
    ...section("USAGE", ["  rum [GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGS]"]),
    ...section("COMMANDS", rows(commands.map((c) => [c.name, c.description]))),
    ...section(
      "GLOBAL OPTIONS (before or after the command)",
      rows([...globals, HELP_FLAG, version].map((f) => [flagUsage(f), f.description])),
    ),
    ...section("EXIT CODES", rows(EXIT_CODES.map((e) => [e.code, e.meaning]))),
    ...section("EXAMPLES", examples(ROOT_EXAMPLES)),
    "",
    "Run 'rum COMMAND --help' for a command's options; 'rum skill' for a full guide.",
  ].join("\n");
}
