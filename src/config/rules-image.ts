/**
 * `[image] base` must name an image rum can get: a known shorthand, an
 * http(s) or file:// URL, or a local file that exists (relative paths start
 * at the config's folder). The same knowledge as `rum image pull`
 * (src/image/resolve.ts), so a typo fails `rum validate` and `rum up` before
 * any work, with the same "did you mean".
 */
import { statSync } from "node:fs";
import { parseImageBase } from "../image/resolve";
import { guestArch } from "./arch";
import type { Problem } from "./problems";
import type { Rule } from "./rule";

const PATH = ["image", "base"];

export const imageRule: Rule = {
  reads: ["image.base", "advanced.arch"],
  check(config, ctx) {
    const r = parseImageBase(config.image.base, ctx.dir, { arch: guestArch(config) });
    if (!r.ok) return [{ path: PATH, message: r.message, hint: r.hint }];
    if (r.source.kind !== "file") return [];
    return fileProblem(r.source.path);
  },
};

function fileProblem(path: string): Problem[] {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch {
    return [
      {
        path: PATH,
        message: `${path} does not exist (relative paths start at the config's folder)`,
        hint: "check the path, or use a shorthand from `rum image search`",
      },
    ];
  }
  return isFile ? [] : [{ path: PATH, message: `${path} is not a file` }];
}
