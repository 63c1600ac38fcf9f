/** The shape of a semantic rule: checks typebox cannot express. */
import type { Problem } from "./problems";
import type { Config } from "./schema";

export interface RuleContext {
  /** The config file's folder (mount sources are relative to it). */
  dir: string;
  /** The VM name in effect (explicit, or derived from the file or folder). */
  name: string;
}

export interface Rule {
  /**
   * Keys the rule reads ("resources.disk", "mounts"): it is skipped when one of
   * them, a key inside one, or a table holding one failed the schema.
   */
  reads: readonly string[];
  check(config: Config, ctx: RuleContext): Problem[];
}
