/** Flag sets shared by several commands (nuxt/cli's `_shared.ts`). */
import type { ArgsDef } from "citty";

export const globalArgs = {
  config: {
    type: "string",
    alias: "c",
    description: "Config file (default: rum.toml)",
    valueHint: "FILE",
  },
  verbose: { type: "boolean", alias: "v", description: "Show debug output and stack traces" },
  quiet: { type: "boolean", alias: "q", description: "Only show warnings and errors" },
} as const satisfies ArgsDef;

export const jsonArg = {
  json: { type: "boolean", description: "Print one JSON document on stdout" },
} as const satisfies ArgsDef;

/** For commands that talk to libvirt: override `[advanced] libvirt_uri` for one call. */
export const connectArg = {
  connect: {
    type: "string",
    description: "libvirt URI for this call (overrides [advanced] libvirt_uri and RUM_LIBVIRT_URI)",
    valueHint: "URI",
  },
} as const satisfies ArgsDef;

/**
 * For commands that delete: skip the confirmation. `-f`/`--force` too, because
 * that is what `vagrant destroy -f` and `limactl delete -f` users type.
 */
export const yesArg = {
  yes: {
    type: "boolean",
    alias: ["y", "f", "force"],
    description: "Do not ask for confirmation",
  },
} as const satisfies ArgsDef;
