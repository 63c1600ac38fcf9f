/**
 * How many virsh processes a command starts (each one is a libvirt connection,
 * most of a quick command's time): `rum status` on a VM that does not exist
 * (the real virsh behind a logging wrapper), and `rum status` and a no-op
 * `rum up` on a running VM (test/support/fake-virsh.ts answering for a domain
 * whose XML is rum's own, from this config). Each must be one process; a
 * `rum down` one per phase (look, shut down, wait for the power-off).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "pathe";
import { loadConfig } from "../../src/config/load";
import { domainXml } from "../../src/domain/index";
import { vmKeys } from "../../src/guest/session";
import { updateState } from "../../src/state/vm-state";
import { openVm } from "../../src/vm/context";
import { domainSpec } from "../../src/vm/domain-spec";
import { resolveMounts } from "../../src/vm/mounts";
import { buildSeed, seedInput } from "../../src/vm/seed";
import { REPO, rumBinary } from "../support/binary";

const root = mkdtempSync(join(tmpdir(), "rum-virsh-count-"));
const log = join(root, "virsh.log");
const env: Record<string, string> = {
  ...(process.env as Record<string, string>),
  XDG_DATA_HOME: join(root, "data"),
  XDG_CACHE_HOME: join(root, "cache"),
  FAKE_VIRSH_LOG: log,
  FAKE_VIRSH_STATE: join(root, "state"),
  RUM_LIBVIRT_URI: "qemu:///system",
};

function bin(dir: string, files: Record<string, string>): string {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(join(dir, name), text);
    chmodSync(join(dir, name), 0o755);
  }
  return dir;
}

/** A project folder with a rum.toml; the VM's name is the folder's. */
function project(name: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "rum.toml"), '[image]\nbase = "debian-12"\n');
  return dir;
}

function rum(cwd: string, path: string, args: string[]) {
  writeFileSync(log, "");
  const r = Bun.spawnSync([rumBinary(), ...args], {
    cwd,
    env: { ...env, PATH: `${path}:${process.env.PATH}` },
    stdout: "pipe",
    stderr: "pipe",
  });
  const calls = readFileSync(log, "utf8").split("\n").filter(Boolean);
  return { code: r.exitCode, out: r.stdout.toString(), err: r.stderr.toString(), calls };
}

afterAll(() => rmSync(root, { recursive: true, force: true }));

test("rum status on a VM that does not exist: one virsh process", () => {
  const wrapper = bin(join(root, "wrap"), {
    virsh: '#!/bin/sh\nprintf "%s\\n" "$*" >> "$FAKE_VIRSH_LOG"\nexec /usr/bin/virsh "$@"\n',
  });
  const r = rum(project("missing"), wrapper, ["status", "--json"]);
  expect(r.code).toBe(0);
  expect(JSON.parse(r.out).state).toBe("absent");
  expect(r.calls).toHaveLength(1);
});

describe("a running rum domain (fake virsh)", () => {
  const cwd = project("running");
  let fake = "";
  beforeEach(() => writeFileSync(env.FAKE_VIRSH_STATE as string, "running"));

  beforeAll(async () => {
    // Everything rum would have left behind after a finished `rum up`.
    process.env.XDG_DATA_HOME = env.XDG_DATA_HOME;
    const loaded = await loadConfig({ cwd });
    const vm = openVm(loaded);
    const mounts = resolveMounts(vm);
    const seed = buildSeed(seedInput(vm, await vmKeys(vm), mounts));
    const spec = domainSpec(vm, vm.seedVolume(seed.hash), mounts);
    const xml = join(root, "domain.xml");
    writeFileSync(xml, domainXml(spec));
    writeFileSync(join(vm.stateDir, "domain-spec.json"), JSON.stringify(spec, null, 2));
    await updateState(vm.stateDir, { booted: true, firstBootDone: true, configHash: loaded.hash });
    Object.assign(env, {
      FAKE_VIRSH_DOMAIN: vm.domain,
      FAKE_VIRSH_XML: xml,
      FAKE_VIRSH_IP: "192.168.122.77",
    });
    fake = bin(join(root, "fake"), {
      virsh: `#!/bin/sh\nexec ${process.execPath} ${join(REPO, "test/support/fake-virsh.ts")} "$@"\n`,
      // The guest answers every command (rum's readiness check is `ssh … true`).
      ssh: "#!/bin/sh\nexit 0\n",
    });
  });

  test("rum status: one virsh process, and it reads the fake as running and unchanged", () => {
    const r = rum(cwd, fake, ["status", "--json"]);
    expect(r.err).toBe("");
    const s = JSON.parse(r.out);
    expect(s.state).toBe("running");
    expect(s.configChanged).toBe(false);
    expect(s.ssh.address).toBe("192.168.122.77");
    expect(s.volumes).toEqual([`${env.FAKE_VIRSH_DOMAIN}-root.qcow2`]);
    expect(r.calls).toHaveLength(1);
  });

  test("no-op rum up: one virsh process", () => {
    const r = rum(cwd, fake, ["up"]);
    expect(r.code).toBe(0);
    expect(r.err).toContain("already running");
    expect(r.calls).toHaveLength(1);
  });

  test("rum up on a paused domain (a cut-short start) resumes it", () => {
    writeFileSync(env.FAKE_VIRSH_STATE as string, "paused");
    const r = rum(cwd, fake, ["up", "--no-wait"]);
    expect(r.err).toContain("is paused: resuming it");
    expect(r.code).toBe(0);
    expect(r.calls.some((c) => c.includes('"resume"'))).toBe(true);
    expect(readFileSync(env.FAKE_VIRSH_STATE as string, "utf8")).toBe("running");
  });

  test("a paused domain that libvirtd starts itself before rum's resume is no error", () => {
    writeFileSync(env.FAKE_VIRSH_STATE as string, "paused>running");
    const r = rum(cwd, fake, ["up", "--no-wait"]);
    expect(r.err).toContain("is paused: resuming it");
    // The resume met a running domain, and rum asked libvirt again before deciding.
    const resumed = r.calls.findIndex((c) => c.includes('"resume"'));
    expect(resumed).toBeGreaterThan(-1);
    expect(r.calls.slice(resumed + 1).some((c) => c.includes('"domstate"'))).toBe(true);
    expect(r.err).not.toContain("error");
    expect(r.code).toBe(0);
  });

  test("rum down: one virsh process per phase, the wait included", () => {
    const r = rum(cwd, fake, ["down"]);
    expect(r.code).toBe(0);
    expect(readFileSync(env.FAKE_VIRSH_STATE as string, "utf8")).toBe("shut off");
    expect(r.out + r.err).toContain("powered off (ACPI shutdown)");
    expect(r.calls).toHaveLength(3);
  });
});
