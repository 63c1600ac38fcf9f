// rum doctor --fix through the compiled binary on this real host: the
// dry-run plan, the refusal as a normal user, and idempotence as root.
import { beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { statSync } from "node:fs";
import type { StepResult } from "../../src/host/setup/steps";
import { rumBinary } from "../support/binary";
import { present } from "../support/precondition";

setDefaultTimeout(120_000);
let rum = "";
beforeAll(() => {
  rum = rumBinary();
});

const isRoot = process.getuid?.() === 0;
const run = (argv: string[]) => {
  const p = Bun.spawnSync(argv, { cwd: "/", env: { ...process.env, NO_COLOR: "1" } });
  return { code: p.exitCode, out: p.stdout.toString(), err: p.stderr.toString() };
};
/** As a user with no rights at all (root can drop to it; others already are one). */
const asNobody = (args: string[]) =>
  run(isRoot ? ["runuser", "-u", "nobody", "--", rum, ...args] : [rum, ...args]);

interface FixJson {
  changed: boolean;
  dryRun: boolean;
  steps: StepResult[];
  report: { ok: boolean; checks: { status: string }[] };
}

describe("rum doctor --fix (compiled binary)", () => {
  test("--dry-run: every step with its commands, nothing changed, exit 0, as any user", () => {
    const { code, out } = asNobody(["doctor", "--fix", "--dry-run"]);
    expect(code).toBe(0);
    expect(out).toMatch(/^rum doctor --fix --dry-run on .+: nothing is changed$/m);
    for (const id of ["packages", "libvirt", "kvm-group", "devices", "network"]) {
      expect(out).toMatch(new RegExp(`^(ok  |plan) ${id} `, "m"));
    }
    const json = JSON.parse(asNobody(["doctor", "--dry-run", "--json"]).out) as FixJson;
    expect(json).toMatchObject({ dryRun: true, changed: false });
    for (const s of json.steps) {
      expect(["planned", "already"]).toContain(s.status);
      expect(s.commands.length > 0).toBe(s.status === "planned");
    }
  });

  test("as a normal user: changes nothing, prints the sudo line with the binary's absolute path, exit 1", () => {
    const conf = "/etc/libvirt/libvirtd.conf";
    const before = statSync(conf, { throwIfNoEntry: false })?.mtimeMs;
    const { code, out, err } = asNobody(["doctor", "--fix", "--yes"]);
    expect(code).toBe(1);
    expect(out).toBe("");
    expect(err).toContain("must run as root: nothing was changed");
    expect(err).toContain(`hint: sudo ${rum} doctor --fix\n`);
    expect(statSync(conf, { throwIfNoEntry: false })?.mtimeMs).toBe(before);
  });

  test.skipIf(!present("root", isRoot))("as root, twice: the second run has nothing to do", () => {
    const first = run([rum, "doctor", "--fix", "--yes", "--json"]);
    const firstJson = JSON.parse(first.out) as FixJson;
    expect(firstJson.steps.filter((s) => s.status === "failed")).toEqual([]);
    const second = run([rum, "doctor", "--fix", "--yes", "--json"]);
    const json = JSON.parse(second.out) as FixJson;
    expect(json.changed).toBe(false);
    expect(json.steps.map((s) => s.status).every((s) => s === "already")).toBe(true);
    for (const c of json.report.checks) expect(["ok", "warning", "error"]).toContain(c.status);
    expect(second.code).toBe(json.report.ok ? 0 : 1);
    const text = run([rum, "doctor", "--fix", "--yes"]);
    expect(text.out).toContain("nothing to do: the host is already set up");
  });
});
