/**
 * Growing disks: what `rum up` decides from the volumes' capacities (read
 * with `vol-info --bytes`) and rum.toml. A fake `virsh` plays the pool, so
 * every case (grow, shrink, the image-sized floor, sector rounding, drives)
 * runs without a VM; test/e2e/peers-features.test.ts grows a real guest.
 */
import { afterAll, beforeEach, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "pathe";
import { loadConfigText } from "../../src/config/load";
import { UsageError } from "../../src/errors";
import { openVm, type Vm } from "../../src/vm/context";
import { describeSizeChange, growVolumes, sizeChanges } from "../../src/vm/disk-sizes";

const dir = mkdtempSync(join(tmpdir(), "rum-disk-sizes-"));
const pool = join(dir, "pool");
const path = process.env.PATH;
const G = 2 ** 30;

// Volumes are files holding their capacity; the root's backing volume is pool/backing.
writeFileSync(
  join(dir, "virsh"),
  `#!/bin/sh
shift 3
pool=${pool}
case "$1" in
  vol-info)
    if [ "$2" = --pool ]; then f="$pool/$4"; else f="$pool/backing"; fi
    [ -f "$f" ] || { echo "error: failed to get vol '$4'" >&2; exit 1; }
    printf 'Name: x\\nType: file\\nCapacity:       %s bytes\\n' "$(cat "$f")" ;;
  vol-dumpxml)
    [ -f "$pool/$4" ] || { echo "error: failed to get vol '$4'" >&2; exit 1; }
    case "$4" in *-root.qcow2) echo "<volume><backingStore><path>/pool/base.qcow2</path></backingStore></volume>" ;;
      *) echo "<volume></volume>" ;; esac ;;
  vol-resize) echo "$4 $5" >> "$pool/resized"; echo "$5" > "$pool/$4" ;;
  *) echo "unexpected: $*" >&2; exit 1 ;;
esac
`,
  { mode: 0o755 },
);
process.env.PATH = `${dir}:${path}`;
afterAll(() => {
  process.env.PATH = path;
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  rmSync(pool, { recursive: true, force: true });
  Bun.spawnSync(["mkdir", "-p", pool]);
  writeFileSync(join(pool, "backing"), String(2 * G));
});

function vm(toml: string): Vm {
  const text = `[image]\nbase = "debian-12"\n${toml}`;
  return openVm(loadConfigText(text, join(dir, "box.rum.toml")));
}

function volume(name: string, bytes: number): void {
  writeFileSync(join(pool, name), String(bytes));
}

test("a larger disk and drive grow; equal sizes and volumes not made yet are left alone", async () => {
  const v = vm('[resources]\ndisk = "6G"\n[drives.data]\nsize = "2G"\n[drives.new]\nsize = "1G"\n');
  volume(v.rootVolume, 4 * G);
  volume(v.driveVolume("data"), G);
  const changes = await sizeChanges(v);
  expect(changes.map(describeSizeChange)).toEqual([
    "resources.disk 4G → 6G",
    "drives.data.size 1G → 2G",
  ]);
  await growVolumes(v, changes);
  expect(readFileSync(join(pool, "resized"), "utf8")).toBe(
    `${v.rootVolume} ${6 * G}\n${v.driveVolume("data")} ${2 * G}\n`,
  );
  expect(await sizeChanges(v)).toEqual([]);
});

test("a smaller size is refused (exit 2) naming the key, old and new size; nothing is resized", async () => {
  const v = vm('[resources]\ndisk = "3G"\n[drives.data]\nsize = "1G"\n');
  volume(v.rootVolume, 4 * G);
  volume(v.driveVolume("data"), G);
  const e = await sizeChanges(v).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(UsageError);
  expect((e as UsageError).exitCode).toBe(2);
  expect((e as UsageError).message).toBe(
    "resources.disk is 3G but the disk is already 4G: rum does not shrink disks",
  );
  expect((e as UsageError).hint).toContain('set resources.disk to at least "4G"');
  volume(v.rootVolume, 3 * G);
  volume(v.driveVolume("data"), 2 * G);
  const d = await sizeChanges(v).catch((x: unknown) => x);
  expect((d as UsageError).message).toStartWith(
    "drives.data.size is 1G but the disk is already 2G",
  );
  expect(existsSync(join(pool, "resized"))).toBe(false);
});

test("a root disk made image-sized (disk below the image) is no shrink; sizes count in sectors", async () => {
  const v = vm('[resources]\ndisk = "1G"\n');
  volume(v.rootVolume, 2 * G);
  expect(await sizeChanges(v)).toEqual([]);
  // qemu-img rounded 1 MiB + 1 byte up to a whole sector: asking for it again is no change.
  const odd = vm('[resources]\ndisk = "5G"\n[drives.data]\nsize = "1048577"\n');
  volume(odd.rootVolume, 5 * G);
  volume(odd.driveVolume("data"), 2 ** 20 + 512);
  expect(await sizeChanges(odd)).toEqual([]);
});
