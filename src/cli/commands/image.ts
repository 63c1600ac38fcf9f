import { isatty } from "node:tty";
import { defineCommand } from "citty";
import { UsageError } from "../../errors";
import { clearCache, deleteCached, imageCacheDir, listCache } from "../../image/cache";
import { urlFileName } from "../../image/checksum";
import { ensureImage } from "../../image/ensure";
import { createProgressRenderer, formatBytes } from "../../image/progress";
import { searchRegistry } from "../../image/registry";
import { resolveImage } from "../../image/resolve";
import { log } from "../../log";
import { globalArgs, jsonArg, yesArg } from "../args";
import { printData, printJson } from "../output";
import { frontSubcommand } from "../subcommand";

/** Columns padded to their widest cell; the last column is left ragged. */
function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows
    .map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join("  "))
    .join("\n");
}

const list = defineCommand({
  meta: { name: "list", description: "List cached images" },
  args: { ...globalArgs, ...jsonArg },
  async run({ args }) {
    const dir = imageCacheDir();
    const entries = await listCache(dir);
    if (args.json) return printJson(entries);
    if (!entries.length) return log.info(`no cached images in ${dir}`);
    const rows = entries.map((e) => [
      e.name,
      formatBytes(e.size),
      e.downloadedAt.slice(0, 16).replace("T", " "),
      e.sha256.slice(0, 12),
      e.file,
    ]);
    printData(table([["NAME", "SIZE", "DOWNLOADED", "SHA256", "FILE"], ...rows]));
  },
});

const pull = defineCommand({
  meta: { name: "pull", description: "Download and verify an image into the cache" },
  args: {
    ...globalArgs,
    ...jsonArg,
    image: { type: "positional", description: "Shorthand or URL", valueHint: "NAME_OR_URL" },
    sha256: { type: "string", description: "Expected SHA-256 of the image", valueHint: "HEX" },
  },
  async run({ args }) {
    if (args.sha256 !== undefined && !/^[0-9a-f]{64}$/i.test(args.sha256)) {
      throw new UsageError("--sha256 must be 64 hex digits");
    }
    const src = resolveImage(args.image, process.cwd());
    if (src.kind === "file") {
      throw new UsageError(`"${args.image}" is a local file: there is nothing to download`, {
        hint: "`rum image pull` takes a shorthand (see `rum image search`) or an http(s) URL",
      });
    }
    const progress = createProgressRenderer({
      label: src.shorthand ?? urlFileName(src.url),
      note: (m) => log.info(m),
      tty: Boolean(isatty(2)) && !args.quiet,
    });
    const quiet = Boolean(args.quiet);
    const img = await ensureImage(args.image, {
      configDir: process.cwd(),
      sha256: args.sha256,
      onProgress: quiet ? undefined : progress.onProgress,
      onNote: progress.onNote,
    }).finally(() => progress.done());
    if (args.json) return printJson(img);
    const how =
      img.source === "cache"
        ? "already cached"
        : img.verifiedBy === "none"
          ? "downloaded (no checksum to verify against)"
          : "downloaded and verified";
    log.success(
      `${args.image}: ${how} (${img.format}, ${formatBytes(img.size)}, sha256 ${img.sha256.slice(0, 12)})`,
    );
    printData(img.path);
  },
});

const remove = defineCommand({
  meta: { name: "delete", description: "Delete one cached image" },
  args: {
    ...globalArgs,
    name: {
      type: "positional",
      description: "Name, file name or URL from `rum image list`",
      valueHint: "NAME",
    },
  },
  async run({ args }) {
    const entry = await deleteCached(imageCacheDir(), args.name);
    log.success(`deleted ${entry.name} (${entry.file}, ${formatBytes(entry.size)})`);
  },
});

const clear = defineCommand({
  meta: { name: "clear", description: "Delete every cached image and partial download" },
  args: { ...globalArgs, ...yesArg },
  async run({ args }) {
    const dir = imageCacheDir();
    if (!args.yes) {
      if (!isatty(0) || !isatty(2)) {
        throw new UsageError("refusing to clear the image cache without confirmation", {
          hint: "pass --yes",
        });
      }
      const ok = await log.prompt(`Delete every cached image in ${dir}?`, { type: "confirm" });
      if (ok !== true) return log.info("nothing deleted");
    }
    const { files, bytes, skipped } = await clearCache(dir);
    log.success(`removed ${files} file(s), ${formatBytes(bytes)} from ${dir}`);
    if (skipped) log.warn(`left ${skipped} download(s) in progress by another rum process`);
  },
});

const search = defineCommand({
  meta: { name: "search", description: "List the image shorthands, filtered by a substring" },
  args: {
    ...globalArgs,
    ...jsonArg,
    query: {
      type: "positional",
      required: false,
      description: "Substring to look for",
      valueHint: "Q",
    },
  },
  async run({ args }) {
    const cached = new Set((await listCache(imageCacheDir())).map((e) => e.url));
    const found = searchRegistry(args.query ?? "").map((e) => ({
      ...e,
      cached: cached.has(e.url),
    }));
    if (args.json) return printJson(found);
    if (!found.length) return log.info(`no shorthand matches "${args.query}"`);
    const rows = found.map((e) => [
      e.name,
      e.aliases.join(",") || "-",
      e.aarch64 ? "x86_64,aarch64" : "x86_64",
      e.cached ? "yes" : "",
      e.description,
    ]);
    printData(table([["NAME", "ALIASES", "ARCHES", "CACHED", "DESCRIPTION"], ...rows]));
  },
});

const subCommands = { list, pull, delete: remove, clear, search };

export default defineCommand({
  meta: { name: "image", description: "The image cache and the shorthand registry" },
  // The union of the sub-commands' flags, for the dispatcher's unknown-flag check.
  args: { ...globalArgs, ...jsonArg, ...yesArg, sha256: { type: "string" } },
  setup({ rawArgs }) {
    frontSubcommand("image", subCommands, rawArgs);
  },
  subCommands,
});
