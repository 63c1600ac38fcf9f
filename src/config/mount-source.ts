/**
 * Host side of a `[[mounts]]` entry: "." is the config folder, "git" the git
 * top level above it, "~/x" is under $HOME, anything else a path relative to
 * the config folder. The result is a canonical directory path.
 */
import { existsSync, realpathSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { UsageError } from "../errors";
import { homeDir } from "../util/home";
import type { MountConfig } from "./schema";

/** Outcome of resolving a source without throwing (for validation). */
export type SourceResult = { ok: true; path: string } | { ok: false; message: string };

export function resolveMountSourceIn(dir: string, source: string): SourceResult {
  if (source === "git") {
    const top = gitTopLevel(dir);
    return top
      ? { ok: true, path: top }
      : { ok: false, message: `"git": no git repository contains ${dir}` };
  }
  const path =
    source === "~" || source.startsWith("~/")
      ? join(homeDir(), source.slice(1))
      : isAbsolute(source)
        ? source
        : resolve(dir, source);
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(path);
  } catch {
    return { ok: false, message: `${path} does not exist` };
  }
  if (!stat.isDirectory()) return { ok: false, message: `${path} is not a directory` };
  return { ok: true, path: realpathSync(path) };
}

/** The host directory a mount shares; a UsageError if it is missing. */
export function resolveMountSource(loaded: { dir: string }, mount: MountConfig): string {
  const result = resolveMountSourceIn(loaded.dir, mount.source);
  if (!result.ok) {
    throw new UsageError(`mount source ${result.message}`, {
      hint: `create it, or change \`source\` of the mount at ${mount.target}`,
    });
  }
  return result.path;
}

/** Walk up for `.git` (a directory, or a file in worktrees and submodules). */
function gitTopLevel(start: string): string | undefined {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, ".git"))) return realpathSync(dir);
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
