/**
 * Where is a key in rum.toml? @iarna/toml gives no positions for values, so
 * this scans the source once, tracking table headers (with array-of-tables
 * indexes) and `key =` lines, and records the first line of every key path.
 * Best effort: strings, comments, multi-line arrays and inline tables are
 * skipped correctly; keys inside inline tables map to the line of their table.
 */
import type { KeyPath } from "./problems";
import { TomlScanner } from "./toml-scanner";

export interface KeyIndex {
  /** Line (1-based) of the path, or of its nearest ancestor that is written in the file. */
  lineOf(path: KeyPath): number | undefined;
  /** The key path written on a line (a header or `key =`), else the table in effect there. */
  pathAt(line: number): KeyPath | undefined;
}

type Path = (string | number)[];
const MAX_RECORDED_DEPTH = 16;

/** Past this many keys the file is not hand-written; later keys get no line. */
const MAX_RECORDED_KEYS = 20_000;

/** The index is built on first use: a valid config never needs it. */
export function indexKeys(text: string): KeyIndex {
  let built: KeyIndex | undefined;
  const index = () => {
    built ??= buildIndex(text);
    return built;
  };
  return { lineOf: (path) => index().lineOf(path), pathAt: (line) => index().pathAt(line) };
}

function buildIndex(text: string): KeyIndex {
  const lines = new Map<string, number>();
  const byLine = new Map<number, Path>();
  const headers: { line: number; path: Path }[] = [];
  const tableCounts = new Map<string, number>();
  // Parents count too: `[fs.ext4]` is where `fs` is first written. Paths
  // deeper than any real key are cut short (hostile files nest 50000 deep).
  const record = (path: Path, line: number) => {
    if (lines.size >= MAX_RECORDED_KEYS) return;
    const kept = path.slice(0, MAX_RECORDED_DEPTH);
    for (let n = 1; n <= kept.length; n++) {
      const key = JSON.stringify(kept.slice(0, n));
      if (!lines.has(key)) lines.set(key, line);
    }
    if (!byLine.has(line)) byLine.set(line, kept);
  };

  const s = new TomlScanner(text);
  let table: Path = [];
  while (!s.done()) {
    s.skipBlank();
    const c = s.peek();
    if (c === "\n") s.newline();
    else if (c === "#") s.skipToEol();
    else if (c === "[") {
      const arrayTable = s.peek(1) === "[";
      s.advance(arrayTable ? 2 : 1);
      const keys = s.readDottedKey();
      if (keys) {
        table = resolveHeader(keys.slice(0, MAX_RECORDED_DEPTH), arrayTable, tableCounts);
        record(table, s.line);
        headers.push({ line: s.line, path: table });
      }
      s.skipToEol();
    } else {
      const keys = s.readDottedKey();
      if (keys && s.peek() === "=") {
        s.advance(1);
        const path = [...table, ...keys.slice(0, MAX_RECORDED_DEPTH)];
        record(path, s.line);
        s.skipValue((index, line) => record([...path, index], line));
      }
      s.skipToEol();
    }
  }

  return {
    lineOf(path) {
      for (let n = path.length; n > 0; n--) {
        const line = lines.get(JSON.stringify(path.slice(0, n)));
        if (line !== undefined) return line;
      }
      return undefined;
    },
    pathAt(line) {
      const exact = byLine.get(line);
      if (exact) return exact;
      let current: Path | undefined;
      for (const h of headers) if (h.line <= line) current = h.path;
      return current;
    },
  };
}

/** `[a.b]` / `[[a.b]]` → the key path, with the index of each array of tables. */
function resolveHeader(keys: string[], arrayTable: boolean, counts: Map<string, number>): Path {
  const path: Path = [];
  // Built up key by key: stringifying the whole path each time is quadratic.
  let id = "";
  keys.forEach((key, i) => {
    path.push(key);
    id += `${JSON.stringify(key)}.`;
    const last = i === keys.length - 1;
    if (last && arrayTable) {
      const n = (counts.get(id) ?? 0) + 1;
      counts.set(id, n);
      path.push(n - 1);
      id += `${n - 1}.`;
    } else if (!last && counts.has(id)) {
      const index = (counts.get(id) as number) - 1;
      path.push(index);
      id += `${index}.`;
    }
  });
  return path;
}
