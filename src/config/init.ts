/**
 * `rum init` without the prompting: render the commented rum.toml, prove it
 * loads, and write it without ever replacing a file unless asked to.
 */
import { realpathSync, statSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import Value from "typebox/value";
import { UsageError } from "../errors";
import { DEFAULT_CONFIG, type LoadedConfig, loadConfigText } from "./load";
import { ConfigError } from "./problems";
import { type Config, ConfigSchema } from "./schema";
import { type InitValues, renderInitConfig } from "./template";

export const DEFAULT_IMAGE = "debian-12";

/** The values `rum init --defaults` writes. */
export function defaultInitValues(image = DEFAULT_IMAGE): InitValues {
  const r = Value.Default(ConfigSchema.properties.resources, {}) as Config["resources"];
  return { image, cpus: r.cpus, memoryMb: r.memory_mb };
}

export interface InitOptions {
  /** `-c` value; default rum.toml in cwd. */
  path?: string;
  cwd?: string;
  force?: boolean;
  values: InitValues;
}

/**
 * Where `rum init` would write, or a UsageError if it must not (the file
 * exists, the folder does not): checked before any question is asked.
 */
export function initTarget(opts: Omit<InitOptions, "values">): string {
  const target = resolve(opts.cwd ?? process.cwd(), opts.path ?? DEFAULT_CONFIG);
  const existing = statOrUndefined(target);
  if (existing?.isDirectory()) {
    throw new UsageError(`${target} is a directory`, {
      hint: `name the file to create, e.g. -c ${join(target, DEFAULT_CONFIG)}`,
    });
  }
  if (existing && !opts.force) throw alreadyExists(target);
  const dirStat = statOrUndefined(dirname(target));
  if (!dirStat?.isDirectory()) {
    throw new UsageError(`cannot create ${target}: ${dirname(target)} is not a directory`, {
      hint: "create the folder first",
    });
  }
  return target;
}

/** Write the config; returns it loaded, as `rum validate` would see it. */
export async function writeInitConfig(opts: InitOptions): Promise<LoadedConfig> {
  const target = initTarget(opts);
  const file = join(realpathSync(dirname(target)), basename(target));
  const text = renderInitConfig(opts.values);
  const loaded = checked(text, file);
  try {
    await writeFile(file, text, { flag: opts.force ? "w" : "wx", mode: 0o644 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") throw alreadyExists(target);
    throw new UsageError(`cannot write ${file}: ${(e as Error).message}`);
  }
  return loaded;
}

/** Refuse to write what `rum validate` would reject (e.g. an empty --image). */
function checked(text: string, file: string): LoadedConfig {
  try {
    return loadConfigText(text, file);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    throw new UsageError(`nothing written: the new ${basename(file)} would be invalid`, {
      details: e.details.map(String),
      hint: "check the values given to `rum init` (e.g. --image)",
    });
  }
}

function alreadyExists(target: string): UsageError {
  return new UsageError(`${target} already exists`, {
    hint: "edit it, or run `rum init --force` to replace it",
  });
}

function statOrUndefined(path: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
