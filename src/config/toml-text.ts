/** Plain data → TOML text, as a person would write it. */
import TOML from "@iarna/toml";

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
