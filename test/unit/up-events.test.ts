// `rum up --json` / `rum restart --json`: JSON Lines, each line a whole JSON
// object, phases opened and closed in order, and a failure as the last line
// (`event: "error"` with the documented exit code), through the compiled binary
// where no VM is needed; the stream itself through src/events.ts.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { emit, phase, streamEvents } from "../../src/events";
import { rumIn } from "../support/binary";

let tmp = "";
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "rum-up-events-"));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

const rum = (...args: string[]) => rumIn(tmp, args);

type Event = { event: string; phase?: string; elapsedMs: number; [k: string]: unknown };

/** Each line on its own: a stream cut anywhere is still lines of whole objects. */
function lines(out: string): Event[] {
  expect(out.endsWith("\n")).toBe(true);
  return out
    .slice(0, -1)
    .split("\n")
    .map((l) => JSON.parse(l) as Event);
}

/** Every phase-start has its phase-end after it; elapsedMs never goes back. */
function expectWellFormed(events: Event[]): void {
  const open: string[] = [];
  let last = 0;
  for (const e of events) {
    expect(e.elapsedMs).toBeGreaterThanOrEqual(last);
    last = e.elapsedMs;
    if (e.event === "phase-start") open.push(String(e.phase));
    if (e.event === "phase-end") expect(open.pop()).toBe(String(e.phase));
  }
  expect(open).toEqual([]);
}

test("phases nest, end with their details, and a failure ends its phase with ok: false", async () => {
  const out: string[] = [];
  streamEvents((l) => out.push(l));
  await phase("outer", async () => {
    await phase(
      "inner",
      async () => "10.0.0.5",
      (address) => ({ address }),
    );
    emit("note", { text: "hi" });
  });
  await expect(
    phase("broken", async () => {
      throw new Error("no");
    }),
  ).rejects.toThrow("no");
  const events = lines(out.join(""));
  expectWellFormed(events);
  expect(events.map((e) => `${e.event}:${e.phase ?? ""}`)).toEqual([
    "phase-start:outer",
    "phase-start:inner",
    "phase-end:inner",
    "note:",
    "phase-end:outer",
    "phase-start:broken",
    "phase-end:broken",
  ]);
  expect(events[2]).toMatchObject({ ok: true, address: "10.0.0.5" });
  expect(events[6]).toMatchObject({ ok: false });
  expect(typeof events[6]?.durationMs).toBe("number");
});

test("a bad rum.toml: the config phase fails, then one error line with exit code 2", async () => {
  await writeFile(join(tmp, "rum.toml"), '[image]\nbase = "debian-12"\n[resources]\ncpus = 0\n');
  const r = rum("up", "--json", "-d");
  expect(r.code).toBe(2);
  const events = lines(r.out);
  expectWellFormed(events);
  expect(events.map((e) => e.event)).toEqual(["phase-start", "phase-end", "error"]);
  expect(events[1]).toMatchObject({ phase: "config", ok: false });
  expect(events[2]).toMatchObject({ ok: false, exitCode: 2 });
  expect(String(events[2]?.hint)).toContain("rum schema");
  // The human report is unchanged on stderr.
  expect(r.err).toContain("error: ");
  expect(r.err).toContain("resources.cpus");
});

test("an unreachable libvirt: config and preflight pass, the first libvirt phase fails, exit 1", async () => {
  await writeFile(join(tmp, "rum.toml"), '[image]\nbase = "debian-12"\n');
  for (const verb of ["up", "restart"]) {
    const r = rum(verb, "--json", "-d", "--connect", "qemu+ssh://nobody@127.0.0.1:1/system");
    expect(r.code).toBe(1);
    const events = lines(r.out);
    expectWellFormed(events);
    expect(events[1]).toMatchObject({ event: "phase-end", phase: "config", ok: true });
    const last = events.at(-1);
    expect(last).toMatchObject({ event: "error", ok: false, exitCode: 1 });
    expect(String(last?.message)).toContain("libvirt");
    const failed = events.filter((e) => e.event === "phase-end" && e.ok === false);
    expect(failed.length).toBe(1);
  }
});
