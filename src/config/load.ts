/**
 * rum.toml → a checked Config and the VM's identity. Pipeline: find the file,
 * read it, parse TOML, guard against hostile input, fill defaults from the
 * schema and check it (code generated from the typebox schema at build time,
 * scripts/gen-config-check.ts), run the semantic rules. Every problem found
 * on the way is reported together in one ConfigError (exit code 2).
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { UsageError } from "../errors";
import { log } from "../log";
import { homeDir } from "../util/home";
import { applyArchDefaults } from "./arch";
import { configHash } from "./canonical";
import { cloudInitUserData } from "./cloud-init";
import { guardParsed, MAX_FILE_BYTES, MAX_SCRIPT } from "./guard";
import { configId, domainName, vmName } from "./identity";
import { indexKeys, type KeyIndex } from "./locate";
import { ConfigError, type Problem } from "./problems";
import type { Config } from "./schema";
import { checkConfig, fillDefaults } from "./schema-check.generated";
import { mountTag, semanticProblems } from "./semantic";
import { parseToml } from "./toml";

export interface LoadedConfig {
  /** Defaults filled in, plus derived values: name, network.hostname, ssh.user, mount tags, advanced.arch. */
  config: Config;
  /** Canonical (realpath) path of the config file. */
  path: string;
  /** The folder holding it; relative mount sources start here. */
  dir: string;
  name: string;
  id8: string;
  domainName: string;
  /** sha256 of the resolved config's canonical JSON (and user_data_file's text): changes when the config does. */
  hash: string;
  /** `[cloud_init]` user-data: the inline text or the file's, checked to merge with rum's. */
  userData?: string;
}

export interface LoadOptions {
  /** Config file (`-c`); default `rum.toml` in cwd. */
  path?: string;
  cwd?: string;
}

export const DEFAULT_CONFIG = "rum.toml";
const NAMED_SUFFIX = ".rum.toml";

export async function loadConfig(opts: LoadOptions = {}): Promise<LoadedConfig> {
  const file = findConfig(opts);
  let bytes: Uint8Array;
  try {
    // Synchronous: node:fs/promises is one more module to load, and there is nothing to overlap with.
    bytes = readFileSync(file);
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`, {
      hint: "check the file's permissions",
    });
  }
  return loadConfigText(decodeUtf8(bytes, file), file);
}

/**
 * The canonical path of the config file, or a UsageError saying why there is
 * none. Without -c, rum.toml is looked for in the working folder and then its
 * parents, like git and cargo do, up to $HOME (inclusive) or the root. The
 * VM's identity comes from the file's path, so running from a subfolder means
 * the same VM.
 */
export function findConfig(opts: LoadOptions = {}): string {
  const cwd = opts.cwd ?? process.cwd();
  const target = opts.path === undefined ? discover(cwd) : resolve(cwd, opts.path);
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(target);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") {
      throw new UsageError(`cannot read ${target}: ${(e as Error).message}`);
    }
    throw new UsageError(`config file ${target} not found`, {
      hint: `check the path, or run \`rum init -c ${opts.path}\` to create it`,
    });
  }
  if (stat.isDirectory()) {
    throw new UsageError(`${target} is a directory, not a config file`, {
      hint: `point at the file inside it, e.g. -c ${join(target, DEFAULT_CONFIG)}`,
    });
  }
  if (!stat.isFile()) throw new UsageError(`${target} is not a regular file`);
  if (stat.size > MAX_FILE_BYTES) {
    const mib = (n: number) => `${(n / 2 ** 20).toFixed(1).replace(/\.0$/, "")} MiB`;
    throw new UsageError(
      `${target} is ${mib(stat.size)}: too large for a config (the limit is ${mib(MAX_FILE_BYTES)})`,
      {
        hint: `a rum.toml is a few hundred bytes and a provisioning script at most ${mib(MAX_SCRIPT)}; check -c points at the right file`,
      },
    );
  }
  return realpathSync(target);
}

/**
 * The nearest rum.toml from `cwd` upwards, or a UsageError naming the fix. A
 * folder holding named configs (web.rum.toml) is a project of its own: the
 * walk stops there rather than pick a parent's VM.
 */
function discover(cwd: string): string {
  const home = resolve(homeDir());
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const candidate = join(dir, DEFAULT_CONFIG);
    if (existsSync(candidate)) {
      if (dir !== resolve(cwd)) log.info(`using ${candidate}`);
      return candidate;
    }
    if (dir === resolve(cwd) && named(dir).length > 0) break;
    if (dir === home || dirname(dir) === dir) break;
  }
  // Named configs are never picked implicitly: which one is the user's choice.
  const here = named(cwd);
  const where = here.length ? cwd : `${cwd} or its parent folders`;
  throw new UsageError(`no ${DEFAULT_CONFIG} in ${where}`, {
    hint: here.length
      ? `pick one with ${here.map((f) => `\`-c ${f}\``).join(" or ")}`
      : "run `rum init` to create one, or point at a config with -c FILE",
  });
}

function named(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith(NAMED_SUFFIX))
      .sort();
  } catch {
    return [];
  }
}

function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new UsageError(`${file} is not UTF-8 text`, { hint: "TOML files must be UTF-8" });
  }
}

/** Check config text as if it were the file at `file` (a canonical path). */
export function loadConfigText(text: string, file: string): LoadedConfig {
  const keys = indexKeys(text);
  const fail = (problems: Problem[]) => new ConfigError(file, withLines(problems, keys));
  const parsed = parseToml(text, keys);
  if (!parsed.ok) throw fail([parsed.problem]);
  const guarded = guardParsed(parsed.value);
  if (guarded.problems.length > 0) throw fail(guarded.problems);

  // Which [advanced] keys the file sets, before defaults fill in the rest.
  const given = new Set(Object.keys(tableOf(guarded.value, "advanced")));
  // The guard returned a fresh copy, so filling defaults in place is safe.
  const value = fillDefaults(guarded.value);
  const { problems, failed } = checkConfig(value)
    ? { problems: [], failed: [] }
    : whyInvalid(value);
  const config = value as Config;
  if (!failed.some((path) => path[0] === "advanced")) applyArchDefaults(config.advanced, given);
  const explicit = typeof config.name === "string" ? config.name : undefined;
  const name = vmName(explicit, file);
  const dir = dirname(file);
  problems.push(...semanticProblems(config, { dir, name }, failed));
  const userData = failed.some((f) => f[0] === "cloud_init")
    ? { problems: [] }
    : cloudInitUserData(config, dir, {
        inline: (n) => inlineDocLine(text, keys, n),
        fileKey: () => keys.lineOf(["cloud_init", "user_data_file"]),
      });
  problems.push(...userData.problems);
  if (problems.length > 0) throw fail(problems);

  const resolved = withDerived(config, name);
  const id8 = configId(file);
  // A file's text counts as config; inline text is in `resolved` already.
  const hashed =
    resolved.cloud_init.user_data_file === undefined ? resolved : [resolved, userData.text];
  let hash: string | undefined;
  return {
    config: resolved,
    path: file,
    dir,
    name,
    id8,
    domainName: domainName(name, id8),
    // On first use: `rum validate` prints no hash, and the sha256 was a sixth of its config load.
    get hash() {
      hash ??= configHash(hashed);
      return hash;
    },
    ...(userData.text === undefined ? {} : { userData: userData.text }),
  };
}

/** A top-level table of the parsed file, or {} when absent or not a table. */
function tableOf(parsed: unknown, key: string): object {
  const table = (parsed as Record<string, unknown> | null)?.[key];
  return typeof table === "object" && table !== null && !Array.isArray(table) ? table : {};
}

/**
 * rum.toml's line for line `n` of an inline user_data: a multi-line string
 * whose opening quotes end their line starts on the next one (TOML drops that
 * first newline).
 */
function inlineDocLine(text: string, keys: KeyIndex, n: number): number | undefined {
  const keyLine = keys.lineOf(["cloud_init", "user_data"]);
  if (keyLine === undefined) return undefined;
  const opening = text.split("\n")[keyLine - 1] ?? "";
  return keyLine + n - 1 + (/=\s*("""|''')\s*$/.test(opening) ? 1 : 0);
}

/**
 * The schema's problems with a value the generated check refused. A
 * synchronous lazy load: the error path needs typebox and the built schema, a
 * valid config (the usual case) neither.
 */
function whyInvalid(value: unknown): ReturnType<typeof import("./schema-errors").schemaFailure> {
  const { schemaFailure } = require("./schema-errors") as typeof import("./schema-errors");
  return schemaFailure(value);
}

/** Values the schema leaves optional but every consumer needs: decided once, here. */
function withDerived(config: Config, name: string): Config {
  config.network.hostname ??= name;
  config.ssh.user ??= config.user.name;
  for (const m of config.mounts) m.tag = mountTag(m);
  // `name` first, where the file has it.
  return { name, ...config };
}

function withLines(problems: Problem[], keys: KeyIndex): Problem[] {
  return problems.map((p) => (p.line === undefined ? { ...p, line: keys.lineOf(p.path) } : p));
}
