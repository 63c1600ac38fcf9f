/**
 * Importing a verified cloud image into the pool, once per image digest. The
 * upload is recorded by a marker file only after it completes, so an upload
 * cut short by Ctrl-C is redone rather than used half-written.
 */
import { existsSync } from "node:fs";
import { mkdir, stat, writeFile } from "node:fs/promises";
import { join } from "pathe";
import { type PoolSurvey, surveyedVolume } from "../host/host-survey";
import { createVolume, uploadVolume, volumeExists } from "../host/pool";
import type { Virsh } from "../host/virsh";
import { log, step } from "../log";
import { lockVm } from "../state/lock";
import { importsDir } from "../state/paths";

export interface BaseImage {
  path: string;
  sha256: string;
  format: "qcow2" | "raw";
}

export function baseVolumeName(img: BaseImage): string {
  return `base-${img.sha256.slice(0, 16)}.${img.format}`;
}

export async function ensureBaseVolume(
  v: Virsh,
  img: BaseImage,
  known: PoolSurvey,
): Promise<string> {
  const name = baseVolumeName(img);
  const marker = join(importsDir(v.uri), name);
  if (existsSync(marker) && (await surveyedVolume(known, name, () => volumeExists(v, name))))
    return name;
  // Two VMs of one image may start at once: one imports, the other waits and reuses it.
  const lock = await lockVm(
    join(importsDir(v.uri), `${name}.importing`),
    `the import of ${name}`,
    30 * 60_000,
  );
  try {
    if (existsSync(marker) && (await volumeExists(v, name))) return name;
    await importBase(v, img, name, marker);
  } finally {
    await lock.release();
  }
  return name;
}

async function importBase(v: Virsh, img: BaseImage, name: string, marker: string): Promise<void> {
  await step(`importing base image into pool (${name})`, async () => {
    const size = (await stat(img.path)).size;
    if (!(await volumeExists(v, name))) await createVolume(v, name, size, "raw");
    else log.debug(`re-uploading ${name}: no record of a finished upload`);
    await uploadVolume(v, name, img.path);
  });
  await mkdir(importsDir(v.uri), { recursive: true });
  await writeFile(marker, `${img.sha256}\n`);
}
