/**
 * Processes and clocks for the VM benchmarks: run an argv and time it, poll a
 * condition tightly until it holds.
 */

export type Run = { ms: number; code: number; stdout: string; stderr: string };

export type RunOptions = { cwd?: string; env?: Record<string, string | undefined> };

/** Runs argv to completion, stdin closed, and times it from spawn to exit. */
export async function run(argv: string[], opts: RunOptions = {}): Promise<Run> {
  const t = Bun.nanoseconds();
  const p = Bun.spawn(argv, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
    p.exited,
  ]);
  return { ms: (Bun.nanoseconds() - t) / 1e6, code, stdout, stderr };
}

/** Like run, but a non-zero exit is an error carrying the command's stderr. */
export async function must(argv: string[], opts: RunOptions = {}): Promise<Run> {
  const r = await run(argv, opts);
  if (r.code !== 0) throw new Error(`${argv.join(" ")}: exit ${r.code}\n${r.stderr}${r.stdout}`);
  return r;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Calls probe every `everyMs` until it yields a value; throws after
 * `timeoutS`, or once `signal` aborts (the run it watches has failed).
 */
export async function poll<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  everyMs: number,
  timeoutS: number,
  signal?: AbortSignal,
): Promise<T> {
  const end = Date.now() + timeoutS * 1000;
  for (;;) {
    if (signal?.aborted) throw new Error(`stopped waiting for ${what}`);
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutS}s waiting for ${what}`);
    await sleep(everyMs);
  }
}
