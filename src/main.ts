/**
 * Entry point: split argv, dispatch to a lazily loaded command, and turn every
 * error into one paragraph and a documented exit code (src/cli/report.ts).
 */
import type { ArgsDef, CommandDef } from "citty";
import { globalArgs } from "./cli/args";
import { commands, hiddenCommands } from "./cli/commands/index";
import { renderCommandHelp, renderRootHelp } from "./cli/help";
import { printData } from "./cli/output";
import { checkFlags, splitArgv } from "./cli/parse";
import { GUEST_EXIT_VERBS, insertDashDash } from "./cli/passthrough";
import { report } from "./cli/report";
import { describeCommand, describeCommands, describeFlags } from "./docs/commands";
import { ExitCode, UsageError } from "./errors";
import { configureLog, stderr } from "./log";
import { didYouMean } from "./util/suggest";
import { revision, version } from "./version";

const DESCRIPTION = "Declarative virtual machines on libvirt/KVM";
const ROOT_FLAGS: ArgsDef = { ...globalArgs, version: { type: "boolean" } };

async function main(argv: string[]): Promise<number> {
  const { verb, rest, help, version: wantVersion } = splitArgv(argv);
  const flags = rest.slice(0, rest.includes("--") ? rest.indexOf("--") : undefined);
  const verbose = flags.includes("-v") || flags.includes("--verbose");
  configureLog({ verbose, quiet: flags.includes("-q") || flags.includes("--quiet") });
  const json = flags.includes("--json");
  try {
    if (!verb) {
      checkFlags("", rest, ROOT_FLAGS);
      if (wantVersion) printData(`rum ${version} (${revision})`);
      else if (help) printData(await rootHelp());
      else {
        // Not asked for: the usage is the error message, so it goes to stderr.
        stderr.write(`${await rootHelp()}\n`);
        return ExitCode.usage;
      }
      return ExitCode.ok;
    }
    const load = commands[verb] ?? hiddenCommands[verb];
    if (!load) {
      throw new UsageError(
        `unknown command \`${verb}\`${didYouMean(verb, Object.keys(commands))}`,
        { hint: "run `rum --help` for the list of commands" },
      );
    }
    const cmd = await load();
    if (help) {
      printData(await commandHelp(verb, cmd, flags));
      return ExitCode.ok;
    }
    const argsDef = (typeof cmd.args === "function" ? await cmd.args() : await cmd.args) ?? {};
    const args = insertDashDash(verb, rest, argsDef);
    checkFlags(verb, args, argsDef);
    // Loaded here, not at the top: `rum --version` and help never need it.
    const { runCommand } = await import("citty");
    const { result } = await runCommand(cmd, { rawArgs: args });
    return typeof result === "number" ? result : ExitCode.ok;
  } catch (e) {
    return report(e, { verbose, json, passthrough: GUEST_EXIT_VERBS.has(verb ?? "") });
  }
}

async function rootHelp(): Promise<string> {
  const all = await describeCommands(commands);
  return renderRootHelp({ version, description: DESCRIPTION }, all, describeFlags(globalArgs));
}

/** The help of `rum VERB`, or of its sub-command when one is named (`rum image pull --help`). */
async function commandHelp(verb: string, cmd: CommandDef, flags: string[]): Promise<string> {
  const info = await describeCommand(verb, cmd);
  const sub = info.subcommands.find((s) => flags.includes(s.name));
  const globals = describeFlags(globalArgs);
  return sub
    ? renderCommandHelp([verb, sub.name], sub, globals)
    : renderCommandHelp([verb], info, globals);
}

// No top-level await: main's promise settles the exit code, nothing waits on the module.
void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
