import { isatty } from "node:tty";
import { defineCommand } from "citty";
import { defaultInitValues, initTarget, writeInitConfig } from "../../config/init";
import type { InitValues } from "../../config/template";
import { RumError } from "../../errors";
import { registry } from "../../image/registry";
import { log } from "../../log";
import { globalArgs } from "../args";

export default defineCommand({
  meta: {
    name: "init",
    description: "Write a commented rum.toml (on a terminal, asks for the image, CPUs and memory)",
  },
  args: {
    ...globalArgs,
    defaults: { type: "boolean", description: "Do not ask; use the defaults" },
    image: {
      type: "string",
      description: "Base image: shorthand, URL or path (default: debian-12)",
      valueHint: "IMAGE",
    },
    force: { type: "boolean", description: "Replace an existing file" },
  },
  async run({ args }) {
    // Refuse before asking: answering questions only to hear "already exists" wastes them.
    initTarget({ path: args.config, force: args.force });
    const defaults = defaultInitValues(args.image);
    // The prompts draw on stdout and read keys from stdin: ask only when a person is there.
    const interactive = !args.defaults && isatty(0) && isatty(1) && isatty(2);
    const values = interactive ? await ask(defaults, args.image !== undefined) : defaults;
    const loaded = await writeInitConfig({ path: args.config, force: args.force, values });
    log.success(
      `wrote ${loaded.path} (VM ${loaded.name}); next: \`rum validate\`, then \`rum up\``,
    );
  },
});

/**
 * Pick-from-a-list prompts only: consola's free-text prompt loses what is
 * typed under Bun (bombshell-dev/clack#159). Anything else goes in by --image
 * or by editing the file.
 */
async function ask(defaults: InitValues, imageGiven: boolean): Promise<InitValues> {
  const images = registry.map((e) => ({ value: e.name, label: e.name, hint: e.description }));
  const image = imageGiven ? defaults.image : await choose("Base image", images, defaults.image);
  const cpus = Number(await choose("vCPUs", numbers([1, 2, 4, 8, 16]), String(defaults.cpus)));
  const memory = [1024, 2048, 4096, 8192, 16384].map((mb) => ({
    value: String(mb),
    label: `${mb / 1024} GiB`,
  }));
  const memoryMb = Number(await choose("Memory", memory, String(defaults.memoryMb)));
  return { image, cpus, memoryMb };
}

type Option = { value: string; label: string; hint?: string };

function numbers(values: number[]): Option[] {
  return values.map((n) => ({ value: String(n), label: String(n) }));
}

async function choose(message: string, options: Option[], initial: string): Promise<string> {
  const all = options.some((o) => o.value === initial)
    ? options
    : [{ value: initial, label: initial }, ...options];
  try {
    const picked: unknown = await log.prompt(message, {
      type: "select",
      options: all,
      initial,
      cancel: "reject",
    });
    // consola returns the option's value (string) for object options.
    return typeof picked === "string" ? picked : initial;
  } catch {
    throw new RumError("cancelled; nothing written", { exitCode: 130 });
  }
}
