/**
 * A system provisioning script that fails: `rum up` must say so with the exit
 * code and the log to read, and leave the VM running for inspection.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { Bed, guestToml, testImage, vmHostReady } from "./harness";

setDefaultTimeout(20 * 60_000);
const ready = vmHostReady();

describe.skipIf(!ready)("a failing system provisioning script", () => {
  const bed = new Bed();
  let dir = "";
  const rum = (...args: string[]) => bed.rum(args, { cwd: dir });

  beforeAll(async () => {
    dir = bed.project(
      "failing",
      guestToml("failing", await bed.serveImage(testImage()), {
        extra: `[provision.system]\nscript = "echo about to fail; exit 7"\n`,
      }),
    );
  });
  afterAll(() => bed.cleanup());

  test("rum up exits non-zero naming the exit code and the log", async () => {
    const r = await rum("up", "-d");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("about to fail");
    expect(r.stderr).toContain("exit code 7");
    expect(r.stderr).toContain("/var/log/rum/provision-system.log");
  });

  test("the VM is left running, and rum log shows what failed", async () => {
    expect(JSON.parse((await rum("status", "--json")).stdout).state).toBe("running");
    const failed = await rum("log", "--failed");
    expect(failed.code).toBe(0);
    expect(failed.stdout).toContain("about to fail");
    expect(failed.stdout).toContain("exit 7");
    const console = await rum("log", "--console");
    expect(console.stdout).toContain("Debian");
  });

  test("rum provision --system re-runs it and fails the same way", async () => {
    const r = await rum("provision", "--system");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("about to fail");
  });

  test("destroy cleans up", async () => {
    expect((await rum("destroy", "--yes")).code).toBe(0);
    expect(bed.domains()).toEqual([]);
  });
});
