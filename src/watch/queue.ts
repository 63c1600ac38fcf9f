/**
 * Host changes → replays for the guest, batched per short window. Each path is
 * looked at (stat) when its batch is flushed, not when the event came: ten events
 * for one saved file become one replay, and a rename (two events) becomes a delete
 * of the old name and a touch of the new one.
 *
 * Echo suppression: the replay itself changes the shared folder (a touch sets
 * the mtime the file already had; a delete is replayed as mkdir+rmdir of the
 * name), so the host sees events for it again. A path whose state is the one the
 * guest was last told about is skipped, and events for a path whose delete was
 * just replayed wait until the guest is done with it. Only that path waits: the
 * one timer fires at the earliest of the window's end and the quiet time's, so a
 * change to another name is never held for the quiet time of an earlier delete.
 */

/** A path as the host sees it: gone, or a file or folder with its mtime in nanoseconds. */
export type PathState = { dir: boolean; mtimeNs: bigint } | null;

export type Replay =
  | { op: "touch"; path: string; mtimeNs: bigint; dir: boolean }
  | { op: "delete"; path: string };

export interface QueueOptions {
  /** How long events are collected before one batch is replayed. */
  windowMs: number;
  /** After a replayed delete, how long the guest's mkdir+rmdir echo may take to arrive. */
  quietMs: number;
  stat(path: string): PathState;
  emit(replays: Replay[]): void;
  now?: () => number;
}

export class ChangeQueue {
  private pending = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** When the timer fires, on the `now` clock. */
  private dueAt = 0;
  private readonly replayed = new Map<string, { state: PathState; at: number }>();

  constructor(private readonly opts: QueueOptions) {}

  add(path: string): void {
    this.pending.add(path);
    this.schedule(this.now() + this.opts.windowMs);
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  /** Flush at `at` unless a flush is already due sooner. */
  private schedule(at: number): void {
    if (this.timer && this.dueAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.dueAt = at;
    this.timer = setTimeout(() => this.flush(), Math.max(0, at - this.now()));
  }

  /** Replays what changed since the last flush (and returns it); paths still quiet wait. */
  flush(): Replay[] {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const now = this.now();
    const out: Replay[] = [];
    const later = new Set<string>();
    let quietEnd = Number.POSITIVE_INFINITY;
    for (const path of this.pending) {
      const last = this.replayed.get(path);
      if (last && last.state === null && now - last.at < this.opts.quietMs) {
        later.add(path);
        quietEnd = Math.min(quietEnd, last.at + this.opts.quietMs);
        continue;
      }
      const state = this.opts.stat(path);
      if (last && sameState(last.state, state)) continue;
      this.replayed.set(path, { state, at: now });
      out.push(
        state === null
          ? { op: "delete", path }
          : { op: "touch", path, mtimeNs: state.mtimeNs, dir: state.dir },
      );
    }
    this.pending = later;
    if (later.size > 0) this.schedule(quietEnd);
    if (out.length > 0) this.opts.emit(out);
    return out;
  }

  /** Stop the timer (the watcher is exiting). */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

function sameState(a: PathState, b: PathState): boolean {
  if (a === null || b === null) return a === b;
  return a.dir === b.dir && a.mtimeNs === b.mtimeNs;
}
