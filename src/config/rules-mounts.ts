/**
 * Rules for guest paths: `[[mounts]]` (shared host folders) and the targets
 * of `[[fs.*]]`. Targets are absolute, normalised, not `/`, and no two of
 * them overlap; tags are unique; at most one mount is the default.
 */
import { posix } from "node:path";
import { resolveMountSourceIn } from "./mount-source";
import { formatPath, type KeyPath, type Problem } from "./problems";
import type { Rule } from "./rule";
import { fsEntries } from "./rules-drives";
import type { MountConfig } from "./schema";

export const MAX_TAG = 36;

/** The mount's tag: the explicit one, else the target without slashes ("/home/rum/src" → "home-rum-src"). */
export function mountTag(m: Pick<MountConfig, "tag" | "target">): string {
  if (m.tag !== undefined) return m.tag;
  const tag = m.target
    .replace(/[^A-Za-z0-9_.-]+/g, "-")
    .replace(/^-+/, "")
    .slice(0, MAX_TAG)
    .replace(/-+$/, "");
  return tag === "" ? "mount" : tag;
}

/** Why a guest mount point is unusable, or undefined. */
export function targetProblem(target: string): string | undefined {
  if (!target.startsWith("/")) return "must be an absolute path (starting with /)";
  if (target.split("/").includes("..")) return 'must not contain ".."';
  const normal = posix.normalize(target).replace(/\/+$/, "") || "/";
  if (normal === "/") return "must not be / (the guest's root filesystem)";
  if (normal !== target) return `must be a normalised path (did you mean ${normal}?)`;
  return undefined;
}

const mountsRule: Rule = {
  reads: ["mounts"],
  check(config, ctx) {
    const problems: Problem[] = [];
    const tags = new Map<string, number>();
    let defaultAt: number | undefined;
    config.mounts.forEach((m, i) => {
      const source = resolveMountSourceIn(ctx.dir, m.source);
      if (!source.ok) problems.push({ path: ["mounts", i, "source"], message: source.message });
      const tag = mountTag(m);
      const other = tags.get(tag);
      if (other === undefined) tags.set(tag, i);
      else {
        problems.push({
          path: m.tag === undefined ? ["mounts", i, "target"] : ["mounts", i, "tag"],
          message: `${m.tag === undefined ? "derived tag" : "tag"} "${tag}" is already used by mounts[${other}]; set a distinct tag`,
        });
      }
      // The replay touches files in the guest, which a read-only mount refuses.
      if (m.inotify && m.readonly) {
        problems.push({
          path: ["mounts", i, "inotify"],
          message: "needs a writable mount (the guest replays changes there); set readonly = false",
        });
      }
      if (m.default) {
        if (defaultAt === undefined) defaultAt = i;
        else {
          problems.push({
            path: ["mounts", i, "default"],
            message: `only one mount can be the default (mounts[${defaultAt}] already is)`,
          });
        }
      }
    });
    return problems;
  },
};

/** Mount and fs targets together: each valid, none inside another. */
const targetsRule: Rule = {
  reads: ["mounts", "fs"],
  check(config) {
    const problems: Problem[] = [];
    const seen: { path: KeyPath; target: string }[] = [];
    const all = [
      ...config.mounts.map((m, i) => ({ path: ["mounts", i, "target"], target: m.target })),
      ...fsEntries(config).map((f) => ({ path: [...f.path, "target"], target: f.entry.target })),
    ];
    for (const t of all) {
      const invalid = targetProblem(t.target);
      if (invalid) {
        problems.push({ path: t.path, message: invalid });
        continue;
      }
      const clash = seen.find((s) => overlap(s.target, t.target));
      if (clash) problems.push({ path: t.path, message: overlapMessage(clash, t.target) });
      seen.push(t);
    }
    return problems;
  },
};

function overlap(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}

function overlapMessage(earlier: { path: KeyPath; target: string }, target: string): string {
  const where = `${formatPath(earlier.path)} (${earlier.target})`;
  if (earlier.target === target) return `is the same as ${where}`;
  return target.startsWith(`${earlier.target}/`) ? `is inside ${where}` : `contains ${where}`;
}

export const mountRules: readonly Rule[] = [mountsRule, targetsRule];
