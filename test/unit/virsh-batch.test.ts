/**
 * Several virsh commands in one process: the answers are split per command by
 * markers on stdout and stderr. Checked against the real virsh with read-only
 * questions (a missing domain, the domain list, echo), and against an
 * unreachable libvirt, which must fail the whole batch with the same RumError
 * a single call gives.
 */
import { describe, expect, test } from "bun:test";
import { RumError } from "../../src/errors";
import { Virsh } from "../../src/host/virsh";
import {
  batchScript,
  newMarker,
  quoteForVirsh,
  scriptSized,
  splitBatch,
} from "../../src/host/virsh-batch";
import type { Vm } from "../../src/vm/context";
import { waitForPowerOff } from "../../src/vm/power-off";

const v = new Virsh("qemu:///system");
const missing = `rumtest-missing-${crypto.randomUUID().slice(0, 8)}`;

describe("batch script", () => {
  test("plain words pass as they are, others in single quotes, quotes are refused", () => {
    expect(quoteForVirsh("52:54:00:ab:cd:ef")).toBe("52:54:00:ab:cd:ef");
    expect(quoteForVirsh("my net;x")).toBe("'my net;x'");
    expect(() => quoteForVirsh("it's")).toThrow(/cannot be passed/);
    expect(() => quoteForVirsh("a\nb")).toThrow(/cannot be passed/);
  });

  test("each command is followed by its markers", () => {
    expect(batchScript([["domstate", "x"], ["list"]], "@@M@@")).toBe(
      "domstate x; echo @@M@@; echo --err @@M@@; list; echo @@M@@; echo --err @@M@@",
    );
  });

  test("a script too long for one argv element is split into several, in order", () => {
    const cmds = Array.from({ length: 3000 }, (_, i) => ["domstate", `rum-vm${i}-0123abcd`]);
    const parts = scriptSized(cmds);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.flat()).toEqual(cmds);
    for (const p of parts) expect(batchScript(p, newMarker()).length).toBeLessThan(128 * 1024);
    expect(scriptSized([["list"]])).toEqual([[["list"]]]);
  });

  test("output that stops early is not split", () => {
    const cmds = [["domstate", "x"], ["list"]];
    expect(splitBatch(cmds, "@@M@@", "", "error: failed to connect\n")).toBeNull();
    expect(splitBatch(cmds, "@@M@@", "running\n@@M@@", "error: @@M@@\n")).toBeNull();
  });
});

describe("against the real virsh (read-only)", () => {
  test("a missing domain is a not-found answer; the commands after it still run", async () => {
    const answers = await v.batch([
      ["domstate", missing],
      ["echo", "between"],
      ["dumpxml", "--inactive", missing],
      ["list", "--all", "--name"],
    ]);
    expect(answers.map((a) => a.ok)).toEqual([false, true, false, true]);
    const [state, echo, xml, list] = answers as [
      (typeof answers)[0],
      (typeof answers)[0],
      (typeof answers)[0],
      (typeof answers)[0],
    ];
    expect(state.stderr).toContain(missing);
    expect(v.found(state)).toBeNull();
    expect(echo.stdout.trim()).toBe("between");
    expect(v.found(xml)).toBeNull();
    // The same names as a virsh process of their own.
    expect(list.stdout.trim()).toBe((await v.run(["list", "--all", "--name"])).trim());
  });

  test("a command that fails for another reason throws from found(), naming it", async () => {
    const [bad, after] = await v.batch([
      ["nodecpustats", "--cpu", "99999"],
      ["echo", "after"],
    ]);
    expect(bad?.ok).toBe(false);
    expect(after?.stdout.trim()).toBe("after");
    expect(() => v.found(bad as NonNullable<typeof bad>)).toThrow(/nodecpustats.*cpu stats/s);
  });

  test("a command virsh cannot parse fails the whole batch (a bug in rum, never a silent gap)", async () => {
    const r = await v.batch([["domstate", "--no-such-option", missing]]).catch((e: unknown) => e);
    expect(r).toBeInstanceOf(RumError);
    expect((r as RumError).message).toMatch(/no-such-option/);
  });

  test("a quoted argument reaches virsh as one word", async () => {
    const [echo] = await v.batch([["echo", "a b;c"]]);
    expect(echo?.stdout.trim()).toBe("a b;c");
  });

  test("an unreachable libvirt fails the batch as a single call fails", async () => {
    const dead = new Virsh("qemu+unix:///system?socket=/nonexistent/rum-test.sock");
    const single = await dead.run(["domstate", missing]).catch((e: unknown) => e);
    const batched = await dead.batch([["domstate", missing]]).catch((e: unknown) => e);
    expect(batched).toBeInstanceOf(RumError);
    expect((batched as RumError).message).toBe((single as RumError).message);
    expect((batched as RumError).message).toMatch(/not reachable/);
  });
});

describe("waiting for a power-off in one virsh process (read-only)", () => {
  test("a domain that is gone counts as off, at once", async () => {
    const start = performance.now();
    expect(await waitForPowerOff({ domain: missing, virsh: v } as Vm, 30_000)).toBe(true);
    expect(performance.now() - start).toBeLessThan(5000);
  });

  test("an unreachable libvirt is the same RumError as for any virsh call", async () => {
    const dead = new Virsh("qemu+unix:///system?socket=/nonexistent/rum-test.sock");
    const e = await waitForPowerOff({ domain: missing, virsh: dead } as Vm, 30_000).catch(
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(RumError);
    expect((e as RumError).message).toMatch(/not reachable/);
  });
});
