/**
 * Which paths under a mount the inotify replay skips: `.git` internals always
 * (git rewrites them by the hundred and no guest watcher wants them), plus the
 * mount's `ignore` globs. A glob without `/` matches a name at any depth (like
 * .gitignore); with `/` it is anchored at the mount's root. A path is skipped
 * when it or any folder above it matches.
 */

export type IgnoreTest = (relPath: string) => boolean;

export function ignoreMatcher(patterns: readonly string[]): IgnoreTest {
  const anchored = patterns.filter((p) => p.replace(/\/+$/, "").includes("/")).map(globRegExp);
  const names = patterns.filter((p) => !p.replace(/\/+$/, "").includes("/")).map(globRegExp);
  return (relPath) => {
    const parts = relPath.split("/").filter((p) => p !== "");
    if (parts.includes(".git")) return true;
    for (let i = 0; i < parts.length; i++) {
      const name = parts[i] as string;
      if (names.some((re) => re.test(name))) return true;
      const prefix = parts.slice(0, i + 1).join("/");
      if (anchored.some((re) => re.test(prefix))) return true;
    }
    return false;
  };
}

/** `*` and `?` stay within one path segment; `**` crosses them. Everything else is literal. */
export function globRegExp(glob: string): RegExp {
  const pattern = glob.replace(/^\/+|\/+$/g, "");
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === "*" && pattern[i + 1] === "*") {
      // `a/**/b` also matches `a/b`.
      if (pattern[i + 2] === "/") {
        re += "(?:.*/)?";
        i += 2;
      } else {
        re += ".*";
        i += 1;
      }
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}
