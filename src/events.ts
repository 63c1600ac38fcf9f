/**
 * `rum up --json` / `rum restart --json`: the phases of a run as JSON Lines on
 * stdout, for agents and CI that cannot read the human step lines on stderr.
 * The core marks its phases here (through `phase`, or `step` in log.ts, which
 * calls it); only the CLI turns the stream on, by giving it a writer, so a
 * run without `--json` (or any other command) emits nothing and pays nothing.
 *
 * Every line is one complete JSON object with `event` and `elapsedMs` (since
 * the stream began): `phase-start` / `phase-end` (`phase`, and on the end
 * `durationMs`, `ok` and the phase's details such as `address`), `note`, then
 * `result` on success or `error` (cli/report.ts) on failure.
 */

export type EventFields = Record<string, unknown>;

let writer: ((line: string) => void) | null = null;
let began = 0;

const since = (t: number) => Math.round(performance.now() - t);

/** Turn the stream on: each event becomes one line given to `write`. */
export function streamEvents(write: (line: string) => void): void {
  writer = write;
  began = performance.now();
}

/** Whether a `--json` run streams events (then errors are an `error` event too). */
export function streamingEvents(): boolean {
  return writer !== null;
}

export function emit(event: string, fields: EventFields = {}): void {
  if (!writer) return;
  writer(`${JSON.stringify({ event, ...fields, elapsedMs: since(began) })}\n`);
}

/**
 * One named phase (a stable id such as `image`, `address`, `cloud-init`):
 * a start event, then an end event with its duration and `details` of its
 * result; a failure ends it with `ok: false` before the error propagates.
 */
export async function phase<T>(
  name: string,
  fn: () => Promise<T>,
  details?: (result: T) => EventFields,
): Promise<T> {
  if (!writer) return fn();
  const start = performance.now();
  emit("phase-start", { phase: name });
  try {
    const result = await fn();
    emit("phase-end", {
      phase: name,
      ok: true,
      durationMs: since(start),
      ...(details ? details(result) : {}),
    });
    return result;
  } catch (e) {
    emit("phase-end", { phase: name, ok: false, durationMs: since(start) });
    throw e;
  }
}
