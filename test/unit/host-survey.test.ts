/**
 * rum up's host survey (src/host/host-survey.ts): every pool and network
 * question in one virsh process, each answer read on its own, through
 * test/support/fake-virsh.ts behind a `virsh` on PATH.
 */
import { afterAll, expect, test } from "bun:test";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "pathe";
import { surveyedVolume, surveyHost } from "../../src/host/host-survey";
import { Virsh } from "../../src/host/virsh";
import { REPO } from "../support/binary";

const root = mkdtempSync(join(tmpdir(), "rum-host-survey-"));
const log = join(root, "virsh.log");
writeFileSync(
  join(root, "virsh"),
  `#!/bin/sh\nexec ${process.execPath} ${join(REPO, "test/support/fake-virsh.ts")} "$@"\n`,
);
chmodSync(join(root, "virsh"), 0o755);
const saved = { ...process.env };
Object.assign(process.env, {
  PATH: `${root}:${process.env.PATH}`,
  FAKE_VIRSH_LOG: log,
  FAKE_VIRSH_DOMAIN: "rum-box-12345678",
  FAKE_VIRSH_POOLS: "rum=running,rum-logs=busy,old=inactive",
  FAKE_VIRSH_NETS: "default=yes,lab=no",
});
afterAll(() => {
  process.env = saved;
  rmSync(root, { recursive: true, force: true });
});

test("pools, volumes and networks in one virsh process, each answer on its own", async () => {
  writeFileSync(log, "");
  const survey = await surveyHost(new Virsh("qemu:///system"), {
    pools: ["rum", "rum-logs", "old", "gone"],
    networks: ["default", "lab", "missing"],
  });
  expect(readFileSync(log, "utf8").trim().split("\n")).toHaveLength(1);

  const rum = survey.pools.get("rum");
  expect(rum?.info).toContain("State:          running");
  expect(rum?.refreshed).toBe(true);
  expect([...(rum?.volumes ?? [])]).toEqual(["rum-box-12345678-root.qcow2"]);
  // Another rum's upload holds the pool: the refresh is refused, and the pool is current.
  expect(survey.pools.get("rum-logs")?.refreshed).toBe(true);
  expect(survey.pools.get("old")).toMatchObject({ refreshed: false, volumes: null });
  expect(survey.pools.get("old")?.info).toContain("State:          inactive");
  expect(survey.pools.get("gone")).toEqual({ info: null, refreshed: false, volumes: null });

  expect(survey.networks.get("default")).toContain("Active:         yes");
  expect(survey.networks.get("lab")).toContain("Active:         no");
  expect(survey.networks.get("missing")).toBeNull();
});

test("a volume the survey could not list is asked about; a listed pool answers itself", async () => {
  let asked = 0;
  const ask = async () => {
    asked++;
    return true;
  };
  const listed = { info: "", refreshed: true, volumes: new Set(["a.qcow2"]) };
  expect(await surveyedVolume(listed, "a.qcow2", ask)).toBe(true);
  expect(await surveyedVolume(listed, "b.qcow2", ask)).toBe(false);
  expect(asked).toBe(0);
  expect(await surveyedVolume({ info: null, refreshed: false, volumes: null }, "a", ask)).toBe(
    true,
  );
  expect(asked).toBe(1);
});
