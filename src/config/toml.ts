/**
 * TOML text → plain value. A syntax error becomes a Problem with the line and
 * column (and, when the line has one, the key it is about); nothing else
 * @iarna/toml might throw escapes as anything but a Problem.
 */
// The string parser alone: the package index loads node:stream (iarna-parse-string.d.ts).
import parseString from "@iarna/toml/parse-string.js";
import type { KeyIndex } from "./locate";
import type { Problem } from "./problems";

export type ParseResult = { ok: true; value: unknown } | { ok: false; problem: Problem };

interface TomlErrorShape {
  message: string;
  line?: number;
  col?: number;
}

export function parseToml(text: string, keys: KeyIndex): ParseResult {
  try {
    return { ok: true, value: parseString(text) };
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
