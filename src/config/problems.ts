/**
 * A config problem names the key it is about and, where we can find it, the
 * line in rum.toml. Every stage of loading collects problems instead of
 * throwing, so the user sees all of them at once in one ConfigError.
 */
import { UsageError } from "../errors";

/** A key path into the config: table keys and array indexes. */
export type KeyPath = readonly (string | number)[];

export interface Problem {
  path: KeyPath;
  message: string;
  line?: number;
  column?: number;
  /** The fix, when it is more specific than "fix the keys above". */
  hint?: string;
}

/** What `rum validate --json` prints for each problem. */
export interface ProblemJson {
  path: string;
  message: string;
  line?: number;
  column?: number;
}

const BARE_KEY = /^[A-Za-z0-9_-]+$/;
const MAX_SHOWN_KEY = 60;
const MAX_DETAILS = 50;

/** `resources.memory_mb`, `mounts[1].target`, `drives."Bad Name"`. */
export function formatPath(path: KeyPath): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else {
      // Keys come from the user's file: keep them short and printable.
      const shown = seg.length > MAX_SHOWN_KEY ? `${seg.slice(0, MAX_SHOWN_KEY)}…` : seg;
      const key = BARE_KEY.test(shown) ? shown : JSON.stringify(shown);
      out += out === "" ? key : `.${key}`;
    }
  }
  return out;
}

export function formatProblem(p: Problem): string {
  const where =
    p.line === undefined
      ? ""
      : p.column === undefined
        ? ` (line ${p.line})`
        : ` (line ${p.line}, column ${p.column})`;
  const path = p.path.length > 0 ? `${formatPath(p.path)}: ` : "";
  return `${path}${p.message}${where}`;
}

export function problemJson(p: Problem): ProblemJson {
  const out: ProblemJson = { path: formatPath(p.path), message: p.message };
  if (p.line !== undefined) out.line = p.line;
  if (p.column !== undefined) out.column = p.column;
  return out;
}

/** The one error a bad config produces; `problems` keeps the structure for --json. */
export class ConfigError extends UsageError {
  readonly problems: readonly Problem[];
  readonly file: string;

  constructor(file: string, problems: Problem[], hint?: string) {
    const sorted = sortProblems(problems);
    const details = sorted.slice(0, MAX_DETAILS).map(formatProblem);
    if (sorted.length > MAX_DETAILS) details.push(`… and ${sorted.length - MAX_DETAILS} more`);
    const count = sorted.length === 1 ? "1 problem" : `${sorted.length} problems`;
    super(`${file}: ${count}`, {
      details,
      hint:
        hint ??
        sorted.find((p) => p.hint)?.hint ??
        "fix the keys above; `rum schema` describes every key",
    });
    this.name = "ConfigError";
    this.problems = sorted;
    this.file = file;
  }
}

/** File order first (problems without a line last), one problem per key path. */
function sortProblems(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  const unique = problems.filter((p) => {
    const key = JSON.stringify(p.path);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique
    .map((p, i) => ({ p, i }))
    .sort((a, b) => (a.p.line ?? Infinity) - (b.p.line ?? Infinity) || a.i - b.i)
    .map(({ p }) => p);
}
