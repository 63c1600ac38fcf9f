/**
 * `[cloud_init]`: the user's own user-data, inline or from a file next to
 * rum.toml. Read and checked here, at load time, so `rum validate` reports a
 * key that would break rum (its user, host key, hostname...) with the line it
 * is on, and the seed is built from text that is known to merge.
 */
import { readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
// Not the seed's index: that loads every cloud-init document writer, which validating never needs.
import { parseExtraUserData } from "../seed/cloudinit/user-extra";
import { MAX_SCRIPT } from "./guard";
import type { KeyPath, Problem } from "./problems";
import type { Config } from "./schema";

export interface UserDataResult {
  /** The user-data text to merge, when there is one and it is fine. */
  text?: string;
  problems: Problem[];
}

const MIB = 2 ** 20;

function readUserDataFile(file: string, path: KeyPath): UserDataResult {
  try {
    const size = statSync(file).size;
    // Checked before reading: the limit keeps a wrong path (a disk image) from being parsed.
    if (size > MAX_SCRIPT)
      return {
        problems: [
          {
            path,
            message: `${file} is ${(size / MIB).toFixed(1)} MiB (the limit is ${MAX_SCRIPT / MIB} MiB)`,
          },
        ],
      };
    return { text: readFileSync(file, "utf8"), problems: [] };
  } catch (e) {
    return { problems: [{ path, message: `cannot read ${file}: ${(e as Error).message}` }] };
  }
}

/**
 * The user-data and its problems. `lines` finds rum.toml's line for a line
 * of an inline user_data, and that of the user_data_file key (a file's own
 * lines are named in the message).
 */
export function cloudInitUserData(
  config: Config,
  dir: string,
  lines: { inline(docLine: number): number | undefined; fileKey(): number | undefined },
): UserDataResult {
  const { user_data: inline, user_data_file: fileKey } = config.cloud_init;
  if (inline !== undefined && fileKey !== undefined)
    return {
      problems: [
        {
          path: ["cloud_init", "user_data_file"],
          message: "cannot be used together with cloud_init.user_data: set one of them",
        },
      ],
    };
  let text = inline;
  if (fileKey !== undefined) {
    const read = readUserDataFile(resolve(dir, fileKey), ["cloud_init", "user_data_file"]);
    if (read.text === undefined) return read;
    text = read.text;
  }
  if (text === undefined) return { problems: [] };
  const { extra, problems } = parseExtraUserData(text);
  if (extra) return { text, problems: [] };
  return {
    problems: problems.map((p): Problem => {
      // Named under user_data for a file too: the path is the document's own key.
      const path = ["cloud_init", "user_data", ...p.path];
      const inFile = fileKey !== undefined && p.line !== undefined;
      const message = inFile ? `${p.message} (line ${p.line} of ${fileKey})` : p.message;
      const line =
        fileKey !== undefined
          ? lines.fileKey()
          : p.line === undefined
            ? undefined
            : lines.inline(p.line);
      return line === undefined ? { path, message } : { path, message, line };
    }),
  };
}
