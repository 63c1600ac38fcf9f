/**
 * The one subprocess wrapper. Every external tool (virsh, qemu-img, ssh,
 * ssh-keygen) runs through here: argv arrays only, never a shell string, so no
 * value from rum.toml can be interpreted by a shell.
 */
import { RumError } from "../errors";
import { hostFixCommand } from "./fix-hint";

export interface RunOptions {
  /** Data written to the child's stdin, then closed. */
  stdin?: string | Uint8Array;
  env?: Record<string, string | undefined>;
  cwd?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called for each complete stdout line as it arrives. */
  onLine?: (line: string) => void;
  /** Called for each complete stderr line as it arrives. */
  onErrLine?: (line: string) => void;
  /** Resolve instead of throwing when the exit code is non-zero. */
  allowFailure?: boolean;
}

export interface RunResult {
  argv: string[];
  exitCode: number;
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

const TAIL_LINES = 12;

export class ProcessError extends RumError {
  readonly result: RunResult;
  constructor(result: RunResult, hint?: string) {
    const what = result.timedOut
      ? "timed out"
      : result.signal
        ? `was killed by ${result.signal}`
        : `exited with code ${result.exitCode}`;
    const tail = stderrTail(result.stderr);
    super(`\`${formatArgv(result.argv)}\` ${what}${tail ? `:\n${tail}` : ""}`, { hint });
    this.name = "ProcessError";
    this.result = result;
  }
}

export function stderrTail(stderr: string, lines = TAIL_LINES): string {
  return stderr.trimEnd().split("\n").slice(-lines).join("\n").trim();
}

/** For messages only: quote arguments the way a reader would retype them. */
export function formatArgv(argv: readonly string[]): string {
  return argv
    .map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`))
    .join(" ");
}

/** The text read so far, kept outside pump so a run cut off by a timeout still has it. */
interface Sink {
  text: string;
}

async function pump(
  reader: { read(): Promise<{ done: boolean; value?: Uint8Array }> },
  onLine: ((line: string) => void) | undefined,
  sink: Sink,
): Promise<void> {
  const decoder = new TextDecoder();
  let pending = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const text = decoder.decode(value, { stream: true });
    sink.text += text;
    if (!onLine) continue;
    pending += text;
    let nl = pending.indexOf("\n");
    while (nl >= 0) {
      onLine(pending.slice(0, nl));
      pending = pending.slice(nl + 1);
      nl = pending.indexOf("\n");
    }
  }
  const rest = decoder.decode();
  sink.text += rest;
  pending += rest;
  if (onLine && pending) onLine(pending);
}

/**
 * How long a killed child's pipes may stay open: a multiplexed ssh hands its
 * stdout to the ControlMaster, which keeps it until the remote command ends,
 * so waiting for EOF would let the command outlive the timeout.
 */
const PIPE_GRACE_MS = 2000;

export async function run(argv: string[], opts: RunOptions = {}): Promise<RunResult> {
  let child: ReturnType<typeof Bun.spawn<"pipe" | "ignore", "pipe", "pipe">>;
  try {
    child = Bun.spawn(argv, {
      stdin: opts.stdin === undefined ? "ignore" : "pipe",
      stdout: "pipe",
      stderr: "pipe",
      env: opts.env ? { ...process.env, ...opts.env } : process.env,
      cwd: opts.cwd,
    });
  } catch (e) {
    throw new RumError(`cannot run \`${argv[0]}\`: ${(e as Error).message}`, {
      hint: `run \`${hostFixCommand()}\` to install what rum needs, or put ${argv[0]} on PATH`,
      cause: e,
    });
  }
  if (opts.stdin !== undefined && child.stdin && typeof child.stdin !== "number") {
    child.stdin.write(opts.stdin);
    void child.stdin.end();
  }
  let timedOut = false;
  const kill = () => child.kill("SIGTERM");
  const timer = opts.timeoutMs
    ? setTimeout(() => {
        timedOut = true;
        kill();
      }, opts.timeoutMs)
    : undefined;
  opts.signal?.addEventListener("abort", kill, { once: true });
  try {
    const out: Sink = { text: "" };
    const err: Sink = { text: "" };
    const readers = [child.stdout.getReader(), child.stderr.getReader()] as const;
    const pipes = Promise.all([
      pump(readers[0], opts.onLine, out),
      pump(readers[1], opts.onErrLine, err),
    ]);
    const exitCode = await child.exited;
    if (
      timedOut &&
      (await Promise.race([pipes.then(() => true), Bun.sleep(PIPE_GRACE_MS)])) !== true
    )
      for (const r of readers) await r.cancel().catch(() => undefined);
    else await pipes;
    const result: RunResult = {
      argv,
      exitCode,
      signal: child.signalCode ? String(child.signalCode) : null,
      stdout: out.text,
      stderr: err.text,
      timedOut,
    };
    if (!opts.allowFailure && (exitCode !== 0 || timedOut)) throw new ProcessError(result);
    return result;
  } finally {
    if (timer) clearTimeout(timer);
    opts.signal?.removeEventListener("abort", kill);
  }
}

/** Run and return trimmed stdout; throws ProcessError on failure. */
export async function output(argv: string[], opts: RunOptions = {}): Promise<string> {
  return (await run(argv, opts)).stdout.trim();
}

/** Whether `name` resolves on PATH (or is an existing absolute path). */
export function which(name: string): string | null {
  return Bun.which(name);
}
