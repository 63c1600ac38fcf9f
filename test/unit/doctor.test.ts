// rum doctor: every check's failure path against stub tools on a fake PATH,
// and the compiled binary against the real host (libvirtd runs here and in CI).
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { render } from "../../src/cli/commands/doctor";
import { type Check, type DoctorOptions, libvirtUriFor, runDoctor } from "../../src/host/doctor";
import { rumBinary } from "../support/binary";

setDefaultTimeout(120_000);
let tmp = "";
let rum = "";

/** A directory holding executable shell scripts, for use as PATH. */
async function fakePath(scripts: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmp, "path-"));
  for (const [name, body] of Object.entries(scripts)) {
    await writeFile(join(dir, name), `#!/bin/sh\n${body}\n`);
    await chmod(join(dir, name), 0o755);
  }
  return dir;
}

const tools = { "qemu-img": "exit 0", ssh: "exit 0", "ssh-keygen": "exit 0" };
const notFound = (what: string) => `echo "error: failed to get ${what}" >&2; exit 1`;
/** A virsh that answers `version` and the given net-info / pool-info replies. */
const virsh = (net: string, pool: string) => `case "$3" in
  version) echo "Running hypervisor: QEMU 7.2.0" ;;
  net-info) ${net} ;;
  pool-info) ${pool} ;;
esac`;
const healthyNet = 'printf "Name: default\\nActive:         yes\\n"';
const noPool = `echo "error: Storage pool not found: no storage pool with matching name 'rum'" >&2; exit 1`;

async function doctor(path: string, extra: Partial<DoctorOptions> = {}) {
  const report = await runDoctor({
    libvirtUri: "qemu:///system",
    cacheDir: join(tmp, "cache/rum/images"),
    path,
    virtiofsdPaths: [],
    ovmfCode: join(tmp, "none.fd"),
    firmwareDescriptorDir: join(tmp, "none"),
    ...extra,
  });
  const byId = (id: string) => report.checks.find((c) => c.id === id) as Check;
  return { report, byId };
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "rum-doctor-test-"));
  rum = rumBinary();
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe("doctor checks", () => {
  test("every check is reported once, in a fixed order, with the shape the JSON promises", async () => {
    const { report } = await doctor(await fakePath({ ...tools, virsh: virsh(healthyNet, noPool) }));
    expect(report.checks.map((c) => c.id)).toEqual([
      "kvm",
      "virsh",
      "libvirt",
      "network",
      "pool",
      "qemu-img",
      "ssh",
      "ssh-keygen",
      "virtiofsd",
      "ovmf",
      "disk",
    ]);
    for (const c of report.checks) {
      expect(["ok", "warning", "error"]).toContain(c.status);
      expect(c.summary.length).toBeGreaterThan(0);
      if (c.status !== "ok" && !c.summary.startsWith("not checked")) expect(c.fix).toBeTruthy();
    }
  });

  test("missing tools are errors with an install fix; libvirt-side checks are skipped, not repeated", async () => {
    const { report, byId } = await doctor(await fakePath({}));
    expect(report.ok).toBe(false);
    for (const id of ["virsh", "qemu-img", "ssh", "ssh-keygen"]) {
      expect(byId(id)).toMatchObject({ status: "error" });
      expect(byId(id).fix).toContain("sudo rum doctor --fix");
    }
    expect(byId("libvirt")).toMatchObject({ status: "error" });
    expect(byId("network")).toMatchObject({ status: "warning" });
    expect(byId("network").summary).toContain("not checked");
  });

  test("unreachable libvirt: error with virsh's reason and a fix naming libvirtd", async () => {
    const dead = 'echo "error: failed to connect to the hypervisor" >&2; exit 1';
    const { report, byId } = await doctor(await fakePath({ ...tools, virsh: dead }));
    expect(report.ok).toBe(false);
    expect(byId("libvirt").summary).toContain("failed to connect to the hypervisor");
    expect(byId("libvirt").fix).toBe("`sudo rum doctor --fix` (starts libvirtd)");
  });

  test("a hung virsh is cut off by the timeout", async () => {
    const { byId } = await doctor(await fakePath({ ...tools, virsh: "exec sleep 30" }), {
      virshTimeoutMs: 300,
    });
    expect(byId("libvirt")).toMatchObject({ status: "error" });
    expect(byId("libvirt").summary).toContain("timed out");
  });

  test("virsh is called with the configured URI", async () => {
    const dir = await fakePath({});
    const log = join(dir, "argv");
    await writeFile(
      join(dir, "virsh"),
      `#!/bin/sh\necho "$@" >> ${log}\n${virsh(healthyNet, noPool)}\n`,
    );
    await chmod(join(dir, "virsh"), 0o755);
    const { byId } = await doctor(dir, { libvirtUri: "qemu+ssh://u@h/system" });
    expect(byId("libvirt").summary).toContain("qemu+ssh://u@h/system");
    expect(await Bun.file(log).text()).toContain("-c qemu+ssh://u@h/system net-info default");
  });

  test("default network undefined → error with net-define; inactive → error with net-start", async () => {
    const undefinedNet = await doctor(
      await fakePath({ ...tools, virsh: virsh(notFound("network 'default'"), noPool) }),
    );
    expect(undefinedNet.byId("network")).toMatchObject({ status: "error" });
    expect(undefinedNet.byId("network").fix).toContain(
      "net-define /usr/share/libvirt/networks/default.xml",
    );
    expect(undefinedNet.report.ok).toBe(false);
    const inactive = await doctor(
      await fakePath({ ...tools, virsh: virsh('echo "Active: no"', noPool) }),
    );
    expect(inactive.byId("network")).toMatchObject({ status: "error" });
    expect(inactive.byId("network").fix).toContain("virsh -c qemu:///system net-start default");
  });

  test("storage pool: absent is fine (rum up creates it); inactive is a warning", async () => {
    const absent = await doctor(await fakePath({ ...tools, virsh: virsh(healthyNet, noPool) }));
    expect(absent.byId("pool").status).toBe("ok");
    expect(absent.byId("pool").summary).toContain("will be created by rum up");
    const inactive = await doctor(
      await fakePath({ ...tools, virsh: virsh(healthyNet, 'echo "State: inactive"') }),
    );
    expect(inactive.byId("pool")).toMatchObject({ status: "warning" });
    expect(inactive.byId("pool").fix).toContain("pool-start rum");
    expect(inactive.report.ok).toBe(true);
  });

  test("no usable /dev/kvm is a warning pointing at domain_type = qemu", async () => {
    const { report, byId } = await doctor(
      await fakePath({ ...tools, virsh: virsh(healthyNet, noPool) }),
      {
        kvmDevice: join(tmp, "no-kvm"),
      },
    );
    expect(byId("kvm")).toMatchObject({ status: "warning" });
    expect(byId("kvm").fix).toContain('domain_type = "qemu"');
    expect(report.ok).toBe(true);
  });

  test("virtiofsd: missing is a warning (9p fallback); found on PATH or a known path is ok", async () => {
    const base = { ...tools, virsh: virsh(healthyNet, noPool) };
    const missing = await doctor(await fakePath(base));
    expect(missing.byId("virtiofsd")).toMatchObject({ status: "warning" });
    expect(missing.byId("virtiofsd").summary).toContain("9p");
    const onPath = await doctor(await fakePath({ ...base, virtiofsd: "exit 0" }));
    expect(onPath.byId("virtiofsd").status).toBe("ok");
    const known = await doctor(await fakePath(base), {
      virtiofsdPaths: ["/nonexistent", "/bin/sh"],
    });
    expect(known.byId("virtiofsd").summary).toContain("/bin/sh");
  });

  test("OVMF: missing is a warning for uefi only; a code file or a firmware descriptor is ok", async () => {
    const path = await fakePath({ ...tools, virsh: virsh(healthyNet, noPool) });
    const missing = await doctor(path);
    expect(missing.byId("ovmf")).toMatchObject({ status: "warning" });
    expect(missing.byId("ovmf").summary).toContain("uefi");
    const descriptors = join(tmp, "firmware");
    await mkdir(descriptors, { recursive: true });
    await writeFile(join(descriptors, "60-edk2-x86_64.json"), "{}");
    expect((await doctor(path, { firmwareDescriptorDir: descriptors })).byId("ovmf").status).toBe(
      "ok",
    );
    expect((await doctor(path, { ovmfCode: "/bin/sh" })).byId("ovmf").status).toBe("ok");
  });

  test("disk: measured where the cache will be created; too little free space is a warning", async () => {
    const path = await fakePath({ ...tools, virsh: virsh(healthyNet, noPool) });
    const fine = await doctor(path, { minFreeBytes: 1 });
    expect(fine.byId("disk").status).toBe("ok");
    expect(fine.byId("disk").summary).toMatch(/GiB free/);
    const full = await doctor(path, { minFreeBytes: 2 ** 60 });
    expect(full.byId("disk")).toMatchObject({ status: "warning" });
    expect(full.report.ok).toBe(true);
  });
});

describe("inputs and rendering", () => {
  test("on a terminal: ✓ / ✗ / ! marks, the fix under each failure", () => {
    const text = render(
      {
        ok: false,
        checks: [
          { id: "virsh", status: "ok", summary: "virsh found" },
          { id: "libvirt", status: "error", summary: "unreachable", fix: "start it" },
          {
            id: "ovmf",
            status: "warning",
            summary: "no OVMF",
            fix: "apt install ovmf",
          },
        ],
      },
      true,
    );
    expect(text).toContain("✓");
    expect(text).toMatch(/✗.*libvirt +unreachable\n +fix: start it/);
    expect(text).toMatch(/!.*ovmf +no OVMF/);
    expect(text).toContain("1 ok, 1 warning, 1 error");
  });

  test("the URI rum up would use: --connect, then $RUM_LIBVIRT_URI, then the config, then qemu:///system", async () => {
    const cfg = join(tmp, "uri.rum.toml");
    await writeFile(cfg, '[image]\nbase = "x"\n[advanced]\nlibvirt_uri = "test:///default"\n');
    const env = { RUM_LIBVIRT_URI: "qemu:///session" };
    expect(await libvirtUriFor(cfg, env, "qemu+ssh://h/system")).toBe("qemu+ssh://h/system");
    expect(await libvirtUriFor(cfg, env)).toBe("qemu:///session");
    expect(await libvirtUriFor(cfg, {})).toBe("test:///default");
    expect(await libvirtUriFor(join(tmp, "missing.toml"), {})).toBe("qemu:///system");
    await writeFile(join(tmp, "broken.toml"), "[advanced\nlibvirt_uri =");
    expect(await libvirtUriFor(join(tmp, "broken.toml"), {})).toBe("qemu:///system");
  });
});

describe("rum doctor (compiled binary)", () => {
  const runRum = (args: string[], env: Record<string, string> = {}) => {
    const p = Bun.spawnSync([rum, ...args], {
      cwd: tmp,
      env: { ...process.env, NO_COLOR: "1", ...env },
    });
    return { code: p.exitCode, out: p.stdout.toString(), err: p.stderr.toString() };
  };

  test("on this host: libvirt at qemu:///system is reachable, JSON on stdout", () => {
    const { code, out } = runRum(["doctor", "--json"]);
    const report = JSON.parse(out) as { ok: boolean; checks: Check[] };
    const libvirt = report.checks.find((c) => c.id === "libvirt");
    expect(libvirt?.status).toBe("ok");
    for (const c of report.checks) expect(["ok", "warning", "error"]).toContain(c.status);
    expect(libvirt?.summary).toContain("qemu:///system");
    expect(code).toBe(report.ok ? 0 : 1);
  });

  test("-c FILE points doctor at the config's libvirt_uri; --connect overrides it", async () => {
    await writeFile(join(tmp, "t.rum.toml"), '[advanced]\nlibvirt_uri = "test:///default"\n');
    const env = { RUM_LIBVIRT_URI: "" };
    const viaConfig = JSON.parse(runRum(["-c", "t.rum.toml", "doctor", "--json"], env).out) as {
      checks: Check[];
    };
    expect(viaConfig.checks.find((c) => c.id === "libvirt")?.summary).toContain("test:///default");
    expect(viaConfig.checks.find((c) => c.id === "network")?.status).toBe("ok");
    const args = ["-c", "t.rum.toml", "doctor", "--json", "--connect", "qemu:///system"];
    const viaFlag = JSON.parse(runRum(args, env).out) as { checks: Check[] };
    expect(viaFlag.checks.find((c) => c.id === "libvirt")?.summary).toContain("qemu:///system");
  });

  test("a broken host: exit 1, one line per check, the fix under each failure, a summary", async () => {
    const path = await fakePath({
      virsh: 'echo "error: failed to connect to the hypervisor" >&2; exit 1',
    });
    const { code, out } = runRum(["doctor"], { PATH: path });
    expect(code).toBe(1);
    expect(out).toMatch(/^FAIL libvirt +cannot reach libvirt at qemu:\/\/\/system/m);
    expect(out).toMatch(
      /^FAIL qemu-img +qemu-img is not on PATH\n +fix: `sudo \/\S+\/rum doctor --fix` installs it$/m,
    );
    expect(out).toMatch(/^ok +virsh/m);
    expect(out).toMatch(/\d+ ok, \d+ warnings?, 4 errors: rum cannot run VMs/);
  });
});
