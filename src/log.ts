/**
 * Progress and diagnostics for people, always on stderr (data goes to stdout,
 * see cli/output.ts). Core modules report their phases through this logger so
 * that a CLI-free caller still gets one consistent, quiet-able stream.
 */
import { appendFileSync, mkdirSync } from "node:fs";
import type { ConsolaInstance, ConsolaReporter } from "consola";
import { dirname } from "pathe";
import { type EventFields, phase } from "./events";
import { isatty, replaceStartLine, startLineShown, stderr } from "./log-stream";

export interface LogOptions {
  verbose: boolean;
  quiet: boolean;
}

const noColor = () => Boolean(process.env.NO_COLOR) || !isatty(2) || process.env.TERM === "dumb";

export { stderr } from "./log-stream";

let options: LogOptions = { verbose: false, quiet: false };
let instance: ConsolaInstance | undefined;

/**
 * consola, made at the first message: loading it (and node:util, which it
 * formats with) is a good part of start-up, and `rum --version` or a quiet
 * `rum status` never logs anything.
 */
function logger(): ConsolaInstance {
  if (instance) return instance;
  // consola's colour helpers read NO_COLOR when they load.
  const colors = !noColor();
  if (!colors) process.env.NO_COLOR ??= "1";
  // A synchronous lazy load: every log call is synchronous.
  const { createConsola } = require("consola") as typeof import("consola");
  // consola levels: 0 error, 1 warn, 3 info, 4 debug.
  const level = options.quiet ? 1 : options.verbose ? 4 : 3;
  instance = createConsola({
    level,
    stdout: stderr,
    stderr,
    formatOptions: { colors, date: false, compact: true },
  });
  return instance;
}

/** The logger: a consola instance, created on first use. */
export const log: ConsolaInstance = new Proxy({} as ConsolaInstance, {
  get(_target, key) {
    const l = logger();
    const value = Reflect.get(l, key, l);
    return typeof value === "function" ? value.bind(l) : value;
  },
});

export function configureLog(opts: LogOptions): void {
  options = opts;
  instance = undefined;
}

/** What a step is called in the `--json` event stream (src/events.ts), and what its end reports. */
export interface StepEvent<T> {
  phase: string;
  details?: (result: T) => EventFields;
}

/**
 * A phase of a long operation, reported with its elapsed time when it ends;
 * with `event`, also a named phase of the `--json` event stream.
 */
export async function step<T>(
  title: string,
  fn: () => Promise<T>,
  event?: StepEvent<T>,
): Promise<T> {
  const shown = async () => {
    const start = performance.now();
    log.start(title);
    startLineShown();
    const result = await fn();
    replaceStartLine();
    log.success(`${title} (${((performance.now() - start) / 1000).toFixed(1)}s)`);
    return result;
  };
  return event ? phase(event.phase, shown, event.details) : shown();
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
  const reporter: ConsolaReporter = {
    log(entry) {
      const text = entry.args.map((a) => (typeof a === "string" ? a : String(a))).join(" ");
      appendFileSync(path, `${entry.date.toISOString()} ${entry.type} ${text}\n`);
    },
  };
  log.addReporter(reporter);
}
