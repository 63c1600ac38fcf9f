// rum doctor --fix applying: a failing command is named with its stderr tail
// and the by-hand way; steps that depend on it are skipped; stages re-read.
import { describe, expect, test } from "bun:test";
import { applyStep } from "../../src/host/setup/apply";
import type { HostFacts } from "../../src/host/setup/facts";
import { fixHost } from "../../src/host/setup/fix";
import { resultOf, type Step } from "../../src/host/setup/steps";
import { freshHost, setUpHost } from "../support/host-facts";

const step = (argv: string[][]): Step => ({
  id: "s",
  title: "t",
  actions: argv.map((a) => ({ kind: "run", argv: a })),
  after: [],
  byHand: "do it yourself",
});

describe("applyStep", () => {
  test("stops at the first failing command: names it, its exit code and stderr tail, and the by-hand way", async () => {
    const r = await applyStep(
      step([
        ["true"],
        ["sh", "-c", "echo one >&2; echo two >&2; exit 3"],
        ["touch", "/nonexistent/never"],
      ]),
    );
    expect(r.status).toBe("failed");
    expect(r.error).toBe(
      "`sh -c 'echo one >&2; echo two >&2; exit 3'` exited with code 3:\none\ntwo",
    );
    expect(r.byHand).toBe("do it yourself");
  });

  test("no actions: already; all succeed: done", async () => {
    expect((await applyStep(step([]))).status).toBe("already");
    expect((await applyStep(step([["true"]]))).status).toBe("done");
  });
});

describe("fixHost", () => {
  test("a failed packages step skips what needs it; independent steps still run; facts are read again per stage", async () => {
    let reads = 0;
    const gather = async (): Promise<HostFacts> => {
      reads++;
      return freshHost("debian-12", false);
    };
    const result = await fixHost({
      dryRun: false,
      gather,
      apply: async (s) =>
        s.id === "packages"
          ? resultOf(s, "failed", "boom")
          : resultOf(s, s.actions.length ? "done" : "already"),
    });
    expect(reads).toBe(3);
    expect(result.steps.map((s) => [s.id, s.status])).toEqual([
      ["packages", "failed"],
      ["socket-access", "skipped"],
      ["libvirt", "skipped"],
      ["kvm-group", "already"],
      ["devices", "already"],
      ["user", "skipped"],
      ["network", "skipped"],
    ]);
    expect(result.steps[0]).toMatchObject({
      error: "boom",
      byHand: expect.stringContaining("apt-get"),
    });
    expect(result.steps[1]?.error).toBe('not run: step "packages" did not succeed');
  });

  test("nothing to do: no step runs, changed is false; a dry run never applies", async () => {
    const never = async (): Promise<never> => {
      throw new Error("must not apply");
    };
    const done = await fixHost({
      dryRun: false,
      gather: async () => setUpHost("fedora-41"),
      apply: never,
    });
    expect(done.changed).toBe(false);
    expect(done.steps.every((s) => s.status === "already")).toBe(true);
    const dry = await fixHost({
      dryRun: true,
      gather: async () => freshHost("fedora-41"),
      apply: never,
    });
    expect(dry.steps.filter((s) => s.status === "planned").map((s) => s.id)).toEqual([
      "packages",
      "libvirt",
      "polkit",
      "user",
      "network",
    ]);
  });

  test("declined at the prompt: nothing applied", async () => {
    const r = await fixHost({
      dryRun: false,
      gather: async () => freshHost("arch"),
      confirm: async (changes) => {
        expect(changes.length).toBe(5);
        return false;
      },
      apply: async () => {
        throw new Error("must not apply");
      },
    });
    expect(r).toMatchObject({ declined: true, changed: false });
  });
});
