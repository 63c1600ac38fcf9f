/**
 * Progress and diagnostics for people, always on stderr (data goes to stdout,
 * see cli/output.ts). Core modules report their phases through this logger so
 * that a CLI-free caller still gets one consistent, quiet-able stream.
 */
import { appendFileSync, mkdirSync } from "node:fs";
import { type ConsolaInstance, createConsola } from "consola";
import { dirname } from "pathe";
import { progressStream, replaceStartLine, startLineShown } from "./log-stream";

export interface LogOptions {
  verbose: boolean;
  quiet: boolean;
}

const noColor = () =>
  Boolean(process.env.NO_COLOR) || !process.stderr.isTTY || process.env.TERM === "dumb";

export let log: ConsolaInstance = makeLogger({ verbose: false, quiet: false });

function makeLogger(opts: LogOptions): ConsolaInstance {
  // consola levels: 0 error, 1 warn, 3 info, 4 debug.
  const level = opts.quiet ? 1 : opts.verbose ? 4 : 3;
  return createConsola({
    level,
    stdout: progressStream as unknown as NodeJS.WriteStream,
    stderr: progressStream as unknown as NodeJS.WriteStream,
    formatOptions: { colors: !noColor(), date: false, compact: true },
  });
}

export function configureLog(opts: LogOptions): void {
  log = makeLogger(opts);
  if (noColor()) process.env.NO_COLOR ??= "1";
}

/** A phase of a long operation, reported with its elapsed time when it ends. */
export async function step<T>(title: string, fn: () => Promise<T>): Promise<T> {
  const start = performance.now();
  log.start(title);
  startLineShown();
  const result = await fn();
  replaceStartLine();
  log.success(`${title} (${((performance.now() - start) / 1000).toFixed(1)}s)`);
  return result;
}

/**
 * Also append every message to a file (a VM's `rum log --rum`), so what a
 * detached or scripted `rum up` did can be read afterwards.
 */
export function recordTo(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  appendFileSync(path, `--- ${new Date().toISOString()} rum ${process.argv.slice(2).join(" ")}\n`, {
    mode: 0o600,
  });
  log.addReporter({
    log(entry) {
      const text = entry.args.map((a) => (typeof a === "string" ? a : String(a))).join(" ");
      appendFileSync(path, `${entry.date.toISOString()} ${entry.type} ${text}\n`);
    },
  });
}
