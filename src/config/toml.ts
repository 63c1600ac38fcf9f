/**
 * TOML text → plain value. A syntax error becomes a Problem with the line and
 * column (and, when the line has one, the key it is about); nothing else
 * either parser might throw escapes as anything but a Problem.
 *
 * Two parsers, for speed: Bun's built-in one is native and answers in 0.1 ms
 * where loading and running @iarna/toml takes ~1.2 ms of every command that
 * reads rum.toml. But Bun's gives no line or column, and it is quadratic in
 * the keys of one table (40,000 keys: 2 s). So it reads the files people
 * write (up to 16 KiB); larger files, and every file it rejects, go to iarna,
 * which is linear and says where a syntax error is.
 */
import type { KeyIndex } from "./locate";
import type { Problem } from "./problems";

export type ParseResult = { ok: true; value: unknown } | { ok: false; problem: Problem };

interface TomlErrorShape {
  message: string;
  line?: number;
  col?: number;
}

const NATIVE_MAX_CHARS = 16 * 1024;

type ParseString = (text: string) => Record<string, unknown>;
/** Loaded on first use: a valid config of normal size never needs it. */
const iarna = (): ParseString =>
  // The string parser alone: the package index loads node:stream (iarna-parse-string.d.ts).
  // CommonJS: module.exports is the function.
  require("@iarna/toml/parse-string.js") as ParseString;

export function parseToml(text: string, keys: KeyIndex): ParseResult {
  if (text.length <= NATIVE_MAX_CHARS) {
    try {
      return { ok: true, value: Bun.TOML.parse(text) as Record<string, unknown> };
    } catch {
      // iarna below says where the problem is.
    }
  }
  try {
    return { ok: true, value: iarna()(text) };
  } catch (e) {
    return { ok: false, problem: syntaxProblem(e, keys) };
  }
}

function syntaxProblem(e: unknown, keys: KeyIndex): Problem {
  const err = (typeof e === "object" && e !== null ? e : {}) as TomlErrorShape;
  // iarna's message is "<reason> at row R, col C, pos P:\n<excerpt>"; the excerpt
  // can hold a 10 MB line, so keep only the reason.
  const reason = String(err.message ?? e)
    .split("\n")[0]
    ?.replace(/ at row \d+, col \d+, pos \d+:?$/, "")
    .slice(0, 200);
  const problem: Problem = { path: [], message: `invalid TOML: ${lowerFirst(reason ?? "")}` };
  if (typeof err.line === "number" && typeof err.col === "number") {
    // iarna counts rows and columns from 0.
    problem.line = err.line + 1;
    problem.column = err.col + 1;
    problem.path = keys.pathAt(problem.line) ?? [];
  }
  return problem;
}

function lowerFirst(s: string): string {
  return s.length > 1 && /^[A-Z][a-z]/.test(s) ? s[0]?.toLowerCase() + s.slice(1) : s;
}

/**
 * A TOML date or time as either parser returns it: iarna a Date, Bun a
 * Temporal object (PlainDate, PlainTime, PlainDateTime, Instant). Neither is
 * a table, and no rum key takes one.
 */
export function isTomlDate(v: unknown): boolean {
  return v instanceof Date || Object.prototype.toString.call(v).startsWith("[object Temporal.");
}
