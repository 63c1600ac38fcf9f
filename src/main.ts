/**
 * Entry point: split argv, dispatch to a lazily loaded command, and turn every
 * error into one paragraph and a documented exit code.
 */
import { type CommandDef, renderUsage, runCommand } from "citty";
import { commands } from "./cli/commands/index";
import { printData } from "./cli/output";
import { checkFlags, splitArgv } from "./cli/parse";
import { ExitCode, isRumError, UsageError } from "./errors";
import { configureLog, log } from "./log";
import { didYouMean } from "./util/suggest";
import { revision, version } from "./version";

const root: CommandDef = {
  meta: { name: "rum", version, description: "Declarative virtual machines on libvirt/KVM" },
  subCommands: Object.fromEntries(
    Object.entries(commands).map(([name, load]) => [name, () => load()]),
  ),
};

async function main(argv: string[]): Promise<number> {
  const { verb, rest, help, version: wantVersion } = splitArgv(argv);
  const verbose = argv.includes("-v") || argv.includes("--verbose");
  configureLog({ verbose, quiet: argv.includes("-q") || argv.includes("--quiet") });
  try {
    if (wantVersion && !verb) {
      printData(`rum ${version} (${revision})`);
      return ExitCode.ok;
    }
    if (!verb) {
      process.stderr.write(`${await renderUsage(root)}\n`);
      return help ? ExitCode.ok : ExitCode.usage;
    }
    const load = commands[verb];
    if (!load) {
      throw new UsageError(
        `unknown command \`${verb}\`${didYouMean(verb, Object.keys(commands))}`,
        {
          hint: "run `rum --help` for the list of commands",
        },
      );
    }
    const cmd = await load();
    if (help) {
      printData(await renderUsage(cmd, root));
      return ExitCode.ok;
    }
    const argsDef = typeof cmd.args === "function" ? await cmd.args() : await cmd.args;
    checkFlags(verb, rest, argsDef ?? {});
    const { result } = await runCommand(cmd, { rawArgs: rest });
    return typeof result === "number" ? result : ExitCode.ok;
  } catch (e) {
    return report(e, verbose);
  }
}

function report(e: unknown, verbose: boolean): number {
  if (isRumError(e)) {
    const lines = [`error: ${e.message}`, ...e.details.map((d) => `  ${d}`)];
    if (e.hint) lines.push(`hint: ${e.hint}`);
    process.stderr.write(`${lines.join("\n")}\n`);
    if (verbose && e.cause) log.debug(e.cause);
    return e.exitCode;
  }
  // citty's own argument errors (missing positional, …) are usage errors.
  if (e instanceof Error && (e as { code?: string }).code?.startsWith("E")) {
    process.stderr.write(`error: ${e.message}\nhint: see \`rum --help\`\n`);
    return ExitCode.usage;
  }
  const msg = e instanceof Error ? e.message : String(e);
  process.stderr.write(
    `error: internal error: ${msg}\nhint: this is a bug in rum; please report it with the output of the same command run with -v\n`,
  );
  if (verbose && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  return ExitCode.failure;
}

// No top-level await: the bytecode-compiled binary is a CommonJS bundle.
void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
