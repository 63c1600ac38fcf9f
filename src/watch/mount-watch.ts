/**
 * One `[[mounts]]` folder with `inotify = true`: node:fs's recursive watch (inotify,
 * folders created later included; ~20 MB and no CPU for 10,000 files when idle) feeds
 * the change queue, whose batches go to the guest's replay shell.
 */
import { statSync, watch } from "node:fs";
import { join } from "pathe";
import { ignoreMatcher } from "./ignore";
import { note } from "./note";
import { ChangeQueue, type PathState } from "./queue";
import { encodeReplays } from "./replay";
import type { WatchedMount } from "./spec";
import type { GuestStream } from "./stream";

/** Short enough to feel instant, long enough that an editor's save is one batch. */
const WINDOW_MS = 75;
/** The guest's mkdir+rmdir of a replayed delete (retried for up to 2 s) is back within this. */
const QUIET_MS = 3000;

export function pathState(path: string): PathState {
  const s = statSync(path, { bigint: true, throwIfNoEntry: false });
  return s ? { dir: s.isDirectory(), mtimeNs: s.mtimeNs } : null;
}

/** Starts watching; returns the function that stops it. */
export function watchMount(mount: WatchedMount, stream: GuestStream): () => void {
  const ignored = ignoreMatcher(mount.ignore);
  const queue = new ChangeQueue({
    windowMs: WINDOW_MS,
    quietMs: QUIET_MS,
    stat: (rel) => pathState(join(mount.host, rel)),
    emit: (replays) => {
      const records = encodeReplays(replays, (rel) => join(mount.guest, rel));
      if (!stream.write(records))
        note(`${mount.host}: guest not reachable, ${replays.length} change(s) not replayed`);
    },
  });
  const watcher = watch(mount.host, { recursive: true }, (_event, name) => {
    if (typeof name === "string" && name !== "" && !ignored(name)) queue.add(name);
  });
  watcher.on("error", (e) => note(`${mount.host}: ${(e as Error).message}`));
  return () => {
    watcher.close();
    queue.close();
  };
}
