import { describe, expect, test } from "bun:test";
import { mkdtempSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "pathe";
import { leaseAskGate, leaseFilesStamp, usesSystemLeaseFiles } from "../../src/host/lease-files";

function leaseDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "rum-leases-"));
  writeFileSync(join(dir, "virbr0.status"), "[]");
  writeFileSync(join(dir, "default.conf"), "not a lease file");
  return dir;
}

describe("when rum asks libvirt for a lease", () => {
  test("only a local system libvirt keeps its leases in the watched folder", () => {
    expect(usesSystemLeaseFiles("qemu:///system")).toBe(true);
    expect(usesSystemLeaseFiles("qemu:///system?socket=/run/x")).toBe(true);
    expect(usesSystemLeaseFiles("qemu:///session")).toBe(false);
    expect(usesSystemLeaseFiles("qemu+ssh://root@host/system")).toBe(false);
    expect(usesSystemLeaseFiles("qemu://host/system")).toBe(false);
  });

  test("asks at once, then only after a lease file changes or the slow pace is due", () => {
    const dir = leaseDir();
    let clock = 0;
    const ask = leaseAskGate("qemu:///system", { dir, unchangedMs: 2000, now: () => clock });
    expect(ask()).toBe(true);
    clock = 250;
    expect(ask()).toBe(false);
    writeFileSync(join(dir, "virbr0.status"), '[{"ip-address":"192.168.122.5"}]');
    expect(ask()).toBe(true);
    clock = 500;
    expect(ask()).toBe(false);
    clock = 2500;
    expect(ask()).toBe(true);
    clock = 2750;
    expect(ask()).toBe(false);
  });

  test("a rewrite of the same size is a change (mtime), a new network's file too", () => {
    const dir = leaseDir();
    const ask = leaseAskGate("qemu:///system", { dir, now: () => 0 });
    expect(ask()).toBe(true);
    utimesSync(join(dir, "virbr0.status"), new Date(5000), new Date(5000));
    expect(ask()).toBe(true);
    expect(ask()).toBe(false);
    writeFileSync(join(dir, "virbr9.status"), "[]");
    expect(ask()).toBe(true);
    writeFileSync(join(dir, "virbr9.conf"), "other files do not count");
    expect(ask()).toBe(false);
  });

  test("asks every time where the files can't be read or are on another host", () => {
    const missing = join(tmpdir(), "rum-no-such-lease-dir");
    expect(leaseFilesStamp(missing)).toBeNull();
    const unreadable = leaseAskGate("qemu:///system", { dir: missing, now: () => 0 });
    expect([unreadable(), unreadable(), unreadable()]).toEqual([true, true, true]);
    const remote = leaseAskGate("qemu+ssh://root@host/system", { dir: leaseDir(), now: () => 0 });
    expect([remote(), remote()]).toEqual([true, true]);
  });
});
