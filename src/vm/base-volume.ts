/**
 * Importing a verified cloud image into the pool, once per image digest. The
 * upload is recorded by a marker file only after it completes, so an upload
 * cut short by Ctrl-C is redone rather than used half-written.
 */
import { existsSync } from "node:fs";
import { mkdir, stat, writeFile } from "node:fs/promises";
import { join } from "pathe";
import { log, step } from "../cli/output";
import { createVolume, uploadVolume, volumeExists } from "../host/pool";
import type { Virsh } from "../host/virsh";
import { importsDir } from "../state/paths";

export interface BaseImage {
  path: string;
  sha256: string;
  format: "qcow2" | "raw";
}

export function baseVolumeName(img: BaseImage): string {
  return `base-${img.sha256.slice(0, 16)}.${img.format}`;
}

export async function ensureBaseVolume(v: Virsh, img: BaseImage): Promise<string> {
  const name = baseVolumeName(img);
  const marker = join(importsDir(v.uri), name);
  if (existsSync(marker) && (await volumeExists(v, name))) return name;
  await step(`importing base image into pool (${name})`, async () => {
    const size = (await stat(img.path)).size;
    if (!(await volumeExists(v, name))) await createVolume(v, name, size, "raw");
    else log.debug(`re-uploading ${name}: no record of a finished upload`);
    await uploadVolume(v, name, img.path);
  });
  await mkdir(importsDir(v.uri), { recursive: true });
  await writeFile(marker, `${img.sha256}\n`);
  return name;
}
