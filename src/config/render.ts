/**
 * Config data as TOML text, as a person would write it; and the resolved
 * config for `rum validate`: every default filled in, headed by comments
 * naming the file, the VM and its libvirt domain, so the output is itself a
 * valid rum.toml.
 */
import type { LoadedConfig } from "./load";
import { stringifyToml } from "./toml-write";

export function renderResolved(loaded: LoadedConfig): string {
  const header = [
    `# config: ${loaded.path}`,
    `# vm:     ${loaded.name}`,
    `# domain: ${loaded.domainName}`,
    "# (defaults filled in)",
  ];
  return `${header.join("\n")}\n${tomlText(loaded.config)}`;
}

export function tomlText(value: Record<string, unknown>): string {
  return stringifyToml(value);
}
