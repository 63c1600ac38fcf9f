/**
 * `rum dump-iso`: build the seed exactly as `rum up` would, then write its
 * files out as rum's own ISO reader sees them (so the reader is what's tested).
 */
import { join } from "pathe";
import type { LoadedConfig } from "../config/load";
import { vmKeys } from "../guest/session";
import { readIso } from "../seed/iso9660/reader";
import { writePrivate } from "../state/private-files";
import { ensureStateDir } from "../state/vm-state";
import { openVm } from "./context";
import { resolveMounts } from "./mounts";
import { buildSeed, seedInput } from "./seed";

export async function dumpSeed(
  loaded: LoadedConfig,
  outDir: string,
  connect?: string,
): Promise<string[]> {
  const vm = openVm(loaded, connect);
  await ensureStateDir(vm.stateDir);
  const seed = buildSeed(seedInput(vm, await vmKeys(vm), resolveMounts(vm)));
  const iso = readIso(seed.bytes);
  const written: string[] = [];
  // The seed holds the guest's private host key: owner-only, like the VM's state.
  await writePrivate(join(outDir, "seed.iso"), seed.bytes);
  for (const [path, data] of iso.files) {
    await writePrivate(join(outDir, path), data);
    written.push(path);
  }
  return written;
}
