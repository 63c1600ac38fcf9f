/**
 * Processes and clocks for the VM benchmarks: run an argv and time it, repeat
 * it for a median with its spread, poll a condition tightly until it holds.
 */

export type Stat = { medianMs: number; minMs: number; maxMs: number; n: number };
export type Run = { ms: number; code: number; stdout: string; stderr: string };

const r1 = (n: number) => Math.round(n * 10) / 10;

/** Median and min–max of samples in ms (upper median for an even count, like the older benches). */
export function stat(samples: number[]): Stat {
  const s = [...samples].sort((a, b) => a - b);
  return {
    medianMs: r1(s[Math.floor(s.length / 2)] ?? 0),
    minMs: r1(s[0] ?? 0),
    maxMs: r1(s[s.length - 1] ?? 0),
    n: s.length,
  };
}

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

/** Times argv `runs` times in a row; every run must succeed. */
export async function sample(runs: number, argv: string[], opts: RunOptions = {}): Promise<Stat> {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) ms.push((await must(argv, opts)).ms);
  return stat(ms);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Calls probe every `everyMs` until it yields a value, or throws after
 * `timeoutS`. The interval is short on purpose: the hand-typed baseline is the
 * floor, so it must notice each milestone as soon as a script could.
 */
export async function poll<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  everyMs: number,
  timeoutS: number,
): Promise<T> {
  const end = Date.now() + timeoutS * 1000;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutS}s waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Seconds since `t0` (a Bun.nanoseconds() reading), one decimal. */
export const since = (t0: number) => Math.round((Bun.nanoseconds() - t0) / 1e8) / 10;
