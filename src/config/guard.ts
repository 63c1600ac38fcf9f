/**
 * The first look at parsed TOML, before any recursive code touches it: limits
 * on nesting, string and key sizes, control characters and integers beyond
 * 2^53, so hostile input ends as a list of problems, never a crash or a
 * cloud-init/XML injection. The walk is iterative and returns a plain copy
 * (no TOML type symbols, no null prototypes) that later stages may mutate.
 */
import type { Problem } from "./problems";
import { isTomlDate } from "./toml";

/** A real rum.toml nests 4 deep (`fs.ext4[0].drives[0]`). */
export const MAX_DEPTH = 12;
export const MAX_STRING = 64 * 1024;
/** Provisioning scripts and user-data are the one place for long text (and for tabs and escapes). */
export const MAX_SCRIPT = 1024 * 1024;
export const MAX_KEY = 128;
/** Lists and whole files far beyond any real config (typebox's checks are not free). */
export const MAX_ENTRIES = 1024;
export const MAX_VALUES = 50_000;
/**
 * Past this, the file is not a config someone wrote: refused by its size
 * before it is read (parsing 15 MB takes seconds, only to be refused by the
 * limits above). Both provisioning scripts and the user-data at their limit,
 * plus room for the rest.
 */
export const MAX_FILE_BYTES = 3 * MAX_SCRIPT + 512 * 1024;
const MAX_PROBLEMS = 50;

type Path = (string | number)[];
type Container = Record<string, unknown> | unknown[];

interface Job {
  source: unknown;
  path: Path;
  put: (v: unknown) => void;
}

export function guardParsed(root: unknown): { value: unknown; problems: Problem[] } {
  const problems: Problem[] = [];
  let value: unknown;
  const stack: Job[] = [{ source: root, path: [], put: (v) => (value = v) }];
  let values = 0;
  while (stack.length > 0 && problems.length < MAX_PROBLEMS) {
    if (++values > MAX_VALUES) {
      problems.push({ path: [], message: `the file holds more than ${MAX_VALUES} values` });
      break;
    }
    const { source, path, put } = stack.pop() as Job;
    if (typeof source === "string") {
      const message = checkString(source, isScript(path));
      if (message) problems.push({ path, message });
      put(source);
    } else if (typeof source === "bigint") {
      problems.push({ path, message: "is too large (integers must be within ±2^53)" });
    } else if (Array.isArray(source) || isTable(source)) {
      if (path.length >= MAX_DEPTH) {
        problems.push({ path, message: `is nested too deeply (more than ${MAX_DEPTH} levels)` });
        continue;
      }
      if (Array.isArray(source) && source.length > MAX_ENTRIES) {
        problems.push({ path, message: `has ${source.length} entries (at most ${MAX_ENTRIES})` });
        continue;
      }
      const copy: Container = Array.isArray(source) ? [] : {};
      put(copy);
      const entries: [string | number, unknown][] = Array.isArray(source)
        ? source.map((v, i) => [i, v])
        : Object.entries(source);
      for (const [key, child] of entries.reverse()) {
        const keyProblem = typeof key === "string" ? checkKey(key) : undefined;
        if (keyProblem) {
          problems.push({ path: [...path, key], message: keyProblem });
          continue;
        }
        stack.push({ source: child, path: [...path, key], put: setter(copy, key) });
      }
    } else {
      put(source);
    }
  }
  return { value, problems };
}

function setter(container: Container, key: string | number): (v: unknown) => void {
  return (v) => {
    (container as Record<string | number, unknown>)[key] = v;
  };
}

function isTable(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !isTomlDate(v);
}

function isScript(path: Path): boolean {
  if (path.length === 2) return path[0] === "cloud_init" && path[1] === "user_data";
  return path.length === 3 && path[0] === "provision" && path[2] === "script";
}

function checkKey(key: string): string | undefined {
  if (key === "__proto__") return "unknown key";
  if (key.length > MAX_KEY) return `key is too long (more than ${MAX_KEY} characters)`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
  if (/[\u0000-\u001f\u007f]/.test(key)) return "key must not contain control characters";
  return undefined;
}

function checkString(s: string, script: boolean): string | undefined {
  const limit = script ? MAX_SCRIPT : MAX_STRING;
  if (s.length > limit) {
    return `is too long (${formatLength(s.length)}; the limit is ${formatLength(limit)})`;
  }
  if (s.includes("\u0000")) return "must not contain NUL characters";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
  if (!script && /[\u0001-\u001f\u007f]/.test(s)) {
    return "must not contain control characters (newlines, tabs, escapes)";
  }
  return undefined;
}

function formatLength(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1).replace(/\.0$/, "")} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1).replace(/\.0$/, "")} KiB`;
  return `${n} characters`;
}
