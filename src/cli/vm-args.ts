/** What every VM command does first: load rum.toml from `-c` (or ./rum.toml). */
import { type LoadedConfig, loadConfig } from "../config/load";
import { recordTo } from "../log";
import { vmStateDir } from "../state/paths";

export function loadFromArgs(args: { config?: string }): Promise<LoadedConfig> {
  return loadConfig(args.config ? { path: args.config } : {});
}

/** For commands that change the VM: keep what they say in its `rum log --rum`. */
export async function loadAndRecord(args: { config?: string }): Promise<LoadedConfig> {
  const loaded = await loadFromArgs(args);
  recordTo(`${vmStateDir(loaded.domainName)}/logs/rum.log`);
  return loaded;
}
