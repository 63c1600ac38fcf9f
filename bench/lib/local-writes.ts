/**
 * Part (a): host-side writes in an inotify mount, each timed until the guest's
 * `inotifywait -m` (streamed back over the VM's SSH master by `rum exec`)
 * reports it, on the host's clock. Cycles of create → modify → rename →
 * delete on fresh names, each change waited for and followed by a gap longer
 * than the watcher's batch window, so each is its own batch.
 */
import { appendFileSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "pathe";
import { type Line, LineStream, now } from "./line-stream";
import type { Write, WriteKind } from "./local-result";
import type { RunOptions } from "./proc";

/** More than the watcher's 75 ms window and the replay's follow-up events. */
export const GAP_MS = 250;
/** A change not seen by then counts as missed. */
const WAIT_MS = 10_000;
const EVENTS = "create,modify,close_write,attrib,delete,moved_from,moved_to";

/** An inotifywait `--format '%e %f'` line for `name` with one of `kinds`. */
const names =
  (name: string, kinds: string[] | null) =>
  ({ line, err }: Line): boolean => {
    if (err) return false;
    const space = line.indexOf(" ");
    if (line.slice(space + 1) !== name) return false;
    return (
      kinds === null ||
      line
        .slice(0, space)
        .split(",")
        .some((k) => kinds.includes(k))
    );
  };

export async function timeWrites(
  rum: string[],
  p: RunOptions,
  hostDir: string,
  guestDir: string,
  cycles: number,
): Promise<Write[]> {
  mkdirSync(hostDir, { recursive: true });
  // stdbuf: inotifywait's stdout is a pipe here, and each line must leave at once.
  const watch = new LineStream(
    [
      ...rum,
      "exec",
      "--",
      "stdbuf",
      "-oL",
      "inotifywait",
      "-m",
      "-e",
      EVENTS,
      "--format",
      "%e %f",
      guestDir,
    ],
    p,
  );
  const out: Write[] = [];
  try {
    await watch.waitFor(
      (l) => l.err && /Watches established/.test(l.line),
      0,
      60_000,
      "inotifywait",
    );
    const timed = async (
      kind: WriteKind,
      name: string,
      act: () => void,
      seen: ((l: Line) => boolean)[],
    ) => {
      const t = now();
      act();
      let ms: number | null = 0;
      for (const match of seen) {
        try {
          const hit = await watch.waitFor(match, t, WAIT_MS, `${kind} ${name}`);
          ms = Math.max(ms ?? 0, hit.at - t);
        } catch {
          ms = null;
          break;
        }
      }
      out.push({ kind, name, ms });
      await Bun.sleep(GAP_MS);
    };
    for (let i = 0; i < cycles; i++) {
      const a = `c${i}`;
      const b = `r${i}`;
      await timed("create", a, () => writeFileSync(join(hostDir, a), "x"), [names(a, null)]);
      await timed("modify", a, () => appendFileSync(join(hostDir, a), "y"), [
        names(a, ["MODIFY", "CLOSE_WRITE"]),
      ]);
      // A rename is seen once both names are: the old one's delete and the new one's write.
      await timed("rename", b, () => renameSync(join(hostDir, a), join(hostDir, b)), [
        names(a, ["DELETE", "MOVED_FROM"]),
        names(b, null),
      ]);
      await timed("delete", b, () => rmSync(join(hostDir, b)), [
        names(b, ["DELETE", "MOVED_FROM"]),
      ]);
    }
  } finally {
    await watch.stop();
  }
  return out;
}

/** Puts the host's inotify-tools .debs (same Debian release as the test image) into the guest. */
export async function installInotifyTools(
  rum: string[],
  p: RunOptions,
  work: string,
): Promise<void> {
  const dir = join(work, "debs");
  mkdirSync(dir, { recursive: true });
  const dl = Bun.spawnSync(["apt-get", "download", "inotify-tools", "libinotifytools0"], {
    cwd: dir,
    stdout: "pipe",
    stderr: "pipe",
  });
  if (dl.exitCode !== 0)
    throw new Error(`apt-get download inotify-tools libinotifytools0 failed: ${dl.stderr}`);
  const debs = [...new Bun.Glob("*.deb").scanSync(dir)];
  for (const deb of debs) {
    const put = Bun.spawn([...rum, "exec", "--", "sh", "-c", `cat > /tmp/${deb}`], {
      ...p,
      stdin: Bun.file(join(dir, deb)),
      stdout: "ignore",
      stderr: "inherit",
    });
    if ((await put.exited) !== 0) throw new Error(`copying ${deb} into the guest failed`);
  }
  const install = Bun.spawn(
    [...rum, "exec", "--", "sudo", "dpkg", "-i", ...debs.map((d) => `/tmp/${d}`)],
    { ...p, stdin: "ignore", stdout: "ignore", stderr: "inherit" },
  );
  if ((await install.exited) !== 0) throw new Error("dpkg -i of inotify-tools in the guest failed");
  rmSync(dir, { recursive: true, force: true });
}
