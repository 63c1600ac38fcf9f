// `rum up` on a host that is not ready stops before any work: no download, no
// volume, no state beyond the lock folder, and names the one command that fixes it.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "pathe";
import { rumBinary } from "../support/binary";
import { type ImageServer, startImageServer } from "../support/http-server";

let dir = "";
let server: ImageServer;

/** A PATH holding the host's tools except those left out. */
function pathWithout(...omit: string[]): string {
  const bin = mkdtempSync(join(dir, "bin-"));
  for (const tool of ["virsh", "qemu-img", "ssh", "ssh-keygen"]) {
    const real = Bun.which(tool);
    if (real && !omit.includes(tool)) symlinkSync(real, join(bin, tool));
  }
  return bin;
}

function rumUp(env: Record<string, string>, ...args: string[]) {
  const r = Bun.spawnSync([rumBinary(), "up", "-d", ...args], {
    cwd: join(dir, "proj"),
    env: {
      HOME: dir,
      XDG_CACHE_HOME: join(dir, "cache"),
      XDG_DATA_HOME: join(dir, "data"),
      XDG_STATE_HOME: join(dir, "state"),
      NO_COLOR: "1",
      ...env,
    },
    stdin: "ignore",
  });
  return { code: r.exitCode, err: r.stderr.toString() };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "rum-preflight-"));
  server = await startImageServer({ files: { "/disk.qcow2": new Uint8Array(1024) } });
  mkdirSync(join(dir, "proj"));
  writeFileSync(
    join(dir, "proj/rum.toml"),
    `[image]\nbase = "${server.url}/disk.qcow2"\n[advanced]\ndomain_type = "qemu"\n`,
  );
});
afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("rum up on a host that is not ready", () => {
  test("virsh missing: exit 1 before any download, naming `sudo …/rum doctor --fix`", () => {
    const r = rumUp({ PATH: pathWithout("virsh") });
    expect(r.code).toBe(1);
    expect(r.err).toContain("virsh not found on PATH");
    expect(r.err).toContain(`sudo ${rumBinary()} doctor --fix`);
    expect(r.err).not.toMatch(/^\s+at /m);
  });

  test("libvirt not answering: exit 1 before any download, naming the fix", () => {
    const dead = `qemu+unix:///system?socket=${join(dir, "no-such.sock")}`;
    const r = rumUp({ PATH: process.env.PATH ?? "" }, "--connect", dead);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`libvirt is not reachable at ${dead}`);
    expect(r.err).toContain(`hint: run \`sudo ${rumBinary()} doctor --fix\``);
    expect(r.err).toContain("virsh said:");
  });

  test("a URI libvirt cannot use: exit 2 with virsh's own reason and the URI to check", () => {
    const r = rumUp({ PATH: process.env.PATH ?? "" }, "--connect", "qemu:///bogus");
    expect(r.code).toBe(2);
    expect(r.err).toContain("libvirt cannot use the URI qemu:///bogus: ");
    expect(r.err).toContain("unexpected qemu URI path '/bogus'");
    expect(r.err).toContain("--connect, $RUM_LIBVIRT_URI or [advanced] libvirt_uri");
  });

  test("nothing was downloaded or cached by any of them", () => {
    expect(server.requests).toEqual([]);
    expect(() => readdirSync(join(dir, "cache"))).toThrow();
  });
});
