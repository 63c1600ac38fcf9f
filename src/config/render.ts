/**
 * Config data as TOML text, as a person would write it; and the resolved
 * config for `rum validate`: every default filled in, headed by comments
 * naming the file, the VM and its libvirt domain, so the output is itself a
 * valid rum.toml.
 */
import TOML from "@iarna/toml";
import type { LoadedConfig } from "./load";

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
  // iarna's typings want its own JsonMap; callers pass plain JSON data.
  return (
    TOML.stringify(value as TOML.JsonMap)
      // iarna writes 2048 as 2_048: valid TOML, but not what anyone types.
      .replace(
        /^(\s*[\w-]+ = )(-?\d{1,3}(?:_\d{3})+)$/gm,
        (_m, key: string, n: string) => key + n.replaceAll("_", ""),
      )
  );
}
