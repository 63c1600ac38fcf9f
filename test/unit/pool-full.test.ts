/**
 * A full storage pool: libvirt's "No space left on device" from vol-create-as
 * becomes one error naming the volume, the pool's folder and what to free. A
 * fake `virsh` plays libvirt here, because filling the real pool's disk on
 * demand would fill the host's.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "pathe";
import { RumError } from "../../src/errors";
import { createVolume } from "../../src/host/pool";
import { Virsh } from "../../src/host/virsh";

const bin = mkdtempSync(join(tmpdir(), "rum-pool-full-"));
const path = process.env.PATH;
afterAll(() => {
  process.env.PATH = path;
  rmSync(bin, { recursive: true, force: true });
});

test("vol-create-as on a full pool: the volume, the pool's folder and a fix", async () => {
  writeFileSync(
    join(bin, "virsh"),
    `#!/bin/sh
echo "error: Failed to create vol rum-x-root.qcow2" >&2
echo "error: cannot allocate 4294967296 bytes in file '/var/lib/libvirt/images/rum/rum-x-root.qcow2': No space left on device" >&2
exit 1
`,
    { mode: 0o755 },
  );
  process.env.PATH = `${bin}:${path}`;
  const e = await createVolume(
    new Virsh("qemu:///system"),
    "rum-x-root.qcow2",
    4 * 2 ** 30,
    "qcow2",
  ).then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(RumError);
  expect((e as RumError).message).toBe(
    "no space left to create volume rum-x-root.qcow2 in pool rum",
  );
  expect((e as RumError).hint).toContain("/var/lib/libvirt/images/rum");
  expect((e as RumError).hint).toContain("rum destroy");
});
