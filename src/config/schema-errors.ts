/**
 * Why a config failed the schema, in rum's words. Loaded only when the
 * generated check (schema-check.generated.ts) has said no: collecting
 * typebox's errors needs typebox and the schema built, which a valid config
 * never pays for.
 */
import System from "typebox/system";
import Value from "typebox/value";
import { schemaProblems } from "./messages";
import type { KeyPath, Problem } from "./problems";
import { ConfigSchema } from "./schema";

/** Every schema problem of `value` (defaults filled in), and each key path that failed. */
export function schemaFailure(value: unknown): { problems: Problem[]; failed: KeyPath[] } {
  return schemaProblems(allErrors(value), ConfigSchema, value);
}

/** typebox stops at `maxErrors` (default 8); the user should see every problem. */
function allErrors(value: unknown) {
  const before = System.Settings.Get().maxErrors;
  System.Settings.Set({ maxErrors: 200 });
  try {
    return Value.Errors(ConfigSchema, value);
  } finally {
    System.Settings.Set({ maxErrors: before });
  }
}
