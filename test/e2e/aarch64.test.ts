/**
 * An aarch64 guest on this x86_64 host, under TCG: `rum up` defines and starts
 * a `virt`/AAVMF/PL011 domain that libvirt's own schema accepts, and the guest
 * gets a DHCP lease for its MAC from the `default` network. The test image is
 * DHCP-only (test/e2e/image/build-aarch64.sh: kernel + busybox, no sshd), so
 * rum's readiness must stop at the next phase with its documented error: the
 * SSH port timeout naming the address it found. One boot.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "pathe";
import { Bed, guestToml, type RumResult, testImage, virsh, vmHostReady } from "./harness";

setDefaultTimeout(20 * 60_000);
const ready = vmHostReady();

/** The lease libvirt's `default` network holds for a MAC, if any. */
function leaseFor(mac: string): string | null {
  const line = virsh("net-dhcp-leases", "default", "--mac", mac)
    .out.split("\n")
    .find((l) => l.includes(mac));
  return line?.match(/(\d+\.\d+\.\d+\.\d+)\/\d+/)?.[1] ?? null;
}

describe.skipIf(!ready)("an aarch64 guest under emulation", () => {
  const bed = new Bed();
  let dir = "";
  let up: RumResult;
  let mac = "";
  let leaseAfterS = -1;
  let upTookS = -1;
  let volumes: string[] = [];
  const rum = (...args: string[]) => bed.rum(args, { cwd: dir });

  beforeAll(async () => {
    const t0 = Date.now();
    const image = testImage("build-aarch64.sh");
    console.log(`aarch64 test image ready in ${((Date.now() - t0) / 1000).toFixed(1)}s: ${image}`);
    dir = bed.project(
      "arm",
      guestToml("arm", await bed.serveImage(image), {
        advanced: 'arch = "aarch64"\nssh_timeout_s = 20\n',
      }),
    );
    // rum up runs to its SSH timeout; meanwhile watch for the lease, to time boot → lease.
    const start = Date.now();
    const running = rum("up", "-d");
    let done = false;
    running.then(() => {
      done = true;
    });
    while (!done) {
      if (!mac)
        mac =
          virsh("domiflist", bed.domains()[0] ?? "-").out.match(
            /([0-9a-f]{2}:){5}[0-9a-f]{2}/,
          )?.[0] ?? "";
      if (mac && leaseAfterS < 0 && leaseFor(mac)) leaseAfterS = (Date.now() - start) / 1000;
      await Bun.sleep(1000);
    }
    up = await running;
    upTookS = (Date.now() - start) / 1000;
    console.log(
      `aarch64: rum up → lease ${leaseAfterS.toFixed(1)}s, rum up ended after ${upTookS.toFixed(1)}s`,
    );
    // No lease: the serial console says how far the guest got (firmware, GRUB, kernel, init).
    if (leaseAfterS < 0) {
      console.log(`${up.stderr}\n${(await rum("log", "--console")).stdout.slice(-3000)}`);
    }
  });
  afterAll(() => bed.cleanup());

  test("the domain is an aarch64 virt machine with AAVMF and a PL011, valid for libvirt's schema", () => {
    const [domain] = bed.domains();
    expect(domain).toBeDefined();
    const xml = virsh("dumpxml", domain as string).out;
    expect(xml).toContain("arch='aarch64'");
    expect(xml).toMatch(/machine='virt[-\d.]*'/);
    expect(xml).toContain("AAVMF_CODE");
    expect(xml).toContain("pl011");
    expect(xml).toMatch(/<domain type='qemu'/);
    const file = join(bed.home, "arm.xml");
    writeFileSync(file, xml);
    const check = Bun.spawnSync(["virt-xml-validate", file, "domain"], { stderr: "pipe" });
    expect(check.stderr.toString()).toContain(`${file} validates`);
    expect(check.exitCode).toBe(0);
  });

  test("the guest gets a DHCP lease for its MAC, seen by libvirt and rum status", async () => {
    expect(mac).not.toBe("");
    expect(leaseAfterS).toBeGreaterThan(0);
    const ip = leaseFor(mac);
    expect(ip).not.toBeNull();
    const status = JSON.parse((await rum("status", "--json")).stdout);
    expect(status.state).toBe("running");
    volumes = status.volumes;
    expect(status.interfaces).toContainEqual(expect.objectContaining({ mac, ip }));
    expect((await rum("log", "--console")).stdout).toContain(`rum-aarch64-test: lease ${ip}`);
  });

  test("rum up stops at the SSH port with its documented timeout (the image has no sshd)", () => {
    expect(up.code).toBe(1);
    expect(up.stderr).toContain(`sshd did not start in the guest at ${leaseFor(mac)}`);
    expect(up.stderr).toContain("[advanced] ssh_timeout_s");
  });

  test("rum destroy --yes leaves nothing behind", async () => {
    expect((await rum("destroy", "--yes")).code).toBe(0);
    expect(bed.domains()).toEqual([]);
    expect(volumes.length).toBeGreaterThan(0);
    const left = new Set([...bed.volumes(), ...bed.volumes("rum-logs")]);
    expect(volumes.filter((v) => left.has(v))).toEqual([]);
  });
});
