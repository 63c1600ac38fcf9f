/**
 * `rum doctor`: everything rum needs from the host, each as one check with a
 * fix. Independent checks run concurrently; the libvirt-side ones (network,
 * pool) only run once libvirt answers, so a dead daemon is reported once.
 */
import { access, constants, readdir, readFile, statfs } from "node:fs/promises";
import TOML from "@iarna/toml";
import { dirname } from "pathe";
import { type RunResult, run } from "./proc";

export type Severity = "error" | "warning";

export interface Check {
  id: string;
  ok: boolean;
  severity: Severity;
  summary: string;
  fix?: string;
}

export interface DoctorReport {
  ok: boolean;
  checks: Check[];
}

export interface DoctorOptions {
  libvirtUri: string;
  /** Image cache directory whose free space is checked. */
  cacheDir: string;
  /** Search path for tools (default: $PATH); tests point it at stub scripts. */
  path?: string;
  kvmDevice?: string;
  virtiofsdPaths?: string[];
  ovmfCode?: string;
  firmwareDescriptorDir?: string;
  minFreeBytes?: number;
  /** How long each virsh call may take (default 10 s). */
  virshTimeoutMs?: number;
}

/** Checks whose failure limits rum (slow, no uefi, no virtiofs) rather than stopping it. */
const WARNING_ONLY = new Set(["kvm", "pool", "virtiofsd", "ovmf", "disk"]);
const GIB = 1024 ** 3;
const HOST_SETUP = "sudo sh scripts/host-setup.sh";
const QEMU_TYPE = 'or set `[advanced] domain_type = "qemu"` (software emulation, slow)';

function good(id: string, summary: string): Check {
  return { id, ok: true, severity: WARNING_ONLY.has(id) ? "warning" : "error", summary };
}
function bad(id: string, summary: string, fix: string): Check {
  return { ...good(id, summary), ok: false, fix };
}

export async function runDoctor(opts: DoctorOptions): Promise<DoctorReport> {
  const PATH = opts.path ?? process.env.PATH ?? "";
  const which = (name: string) => Bun.which(name, { PATH });
  const checks = await Promise.all([
    checkKvm(opts.kvmDevice ?? "/dev/kvm"),
    tool("virsh", which("virsh"), `apt install libvirt-clients (or \`${HOST_SETUP}\`)`),
    checkLibvirt(which("virsh"), opts.libvirtUri, opts.virshTimeoutMs ?? 10_000),
    tool("qemu-img", which("qemu-img"), "apt install qemu-utils"),
    tool("ssh", which("ssh"), "apt install openssh-client"),
    tool("ssh-keygen", which("ssh-keygen"), "apt install openssh-client"),
    checkVirtiofsd(
      opts.virtiofsdPaths ?? ["/usr/lib/qemu/virtiofsd", "/usr/libexec/virtiofsd"],
      which,
    ),
    checkOvmf(
      opts.ovmfCode ?? "/usr/share/OVMF/OVMF_CODE_4M.fd",
      opts.firmwareDescriptorDir ?? "/usr/share/qemu/firmware",
    ),
    checkDiskSpace(opts.cacheDir, opts.minFreeBytes ?? 5 * GIB),
  ]);
  const flat = checks.flat();
  return { ok: flat.every((c) => c.ok || c.severity !== "error"), checks: flat };
}

/**
 * The URI `rum up` would use, in the same order (src/vm/context.ts): --connect,
 * then $RUM_LIBVIRT_URI, then the config's `[advanced] libvirt_uri`. Only that
 * one key is read, so a config that fails validation still points doctor right.
 */
export async function libvirtUriFor(
  configFile: string | undefined,
  env: Record<string, string | undefined> = process.env,
  override?: string,
): Promise<string> {
  if (override) return override;
  if (env.RUM_LIBVIRT_URI) return env.RUM_LIBVIRT_URI;
  try {
    const advanced = configFile ? TOML.parse(await readFile(configFile, "utf8")).advanced : {};
    const uri = (advanced as Record<string, unknown> | undefined)?.libvirt_uri;
    if (typeof uri === "string" && uri) return uri;
  } catch {
    // A missing or broken config is `rum validate`'s business, not doctor's.
  }
  return "qemu:///system";
}

async function checkKvm(device: string): Promise<Check> {
  try {
    await access(device, constants.R_OK | constants.W_OK);
    return good("kvm", `${device} is usable`);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") {
      const fix = `enable VT-x/AMD-V (or nested KVM), ${QEMU_TYPE}`;
      return bad("kvm", `${device} does not exist`, fix);
    }
    const fix = `chown root:kvm ${device} && chmod 0660 ${device} (and join the kvm group), ${QEMU_TYPE}`;
    return bad("kvm", `${device} is not read/writable by this user`, fix);
  }
}

async function tool(id: string, found: string | null, fix: string): Promise<Check> {
  return found ? good(id, `${id} found at ${found}`) : bad(id, `${id} is not on PATH`, fix);
}

type Virsh = (args: string[]) => Promise<RunResult>;

const failed = (r: RunResult) => r.exitCode !== 0 || r.timedOut;

/** virsh's own last word on why it failed. */
function why(r: RunResult): string {
  if (r.timedOut) return "virsh timed out (a hung libvirtd, or an unreachable remote host)";
  const last = r.stderr.trim().split("\n").filter(Boolean).at(-1);
  return last?.replace(/^error: /, "") ?? `exit code ${r.exitCode}`;
}

async function checkLibvirt(path: string | null, uri: string, timeoutMs: number) {
  // Their own fix would be the libvirt one again: reported as skipped, without a fix.
  const skipped = ["network", "pool"].map((id): Check => {
    return { id, ok: false, severity: "warning", summary: "not checked: libvirt is not reachable" };
  });
  if (!path)
    return [bad("libvirt", `cannot reach ${uri}: virsh is missing`, HOST_SETUP), ...skipped];
  const virsh: Virsh = (args) => run([path, "-c", uri, ...args], { timeoutMs, allowFailure: true });
  const version = await virsh(["version"]);
  if (failed(version)) {
    const fix = uri.includes("+ssh")
      ? "check that the remote host is up, `ssh` to it works without a prompt and libvirtd runs there"
      : `start libvirtd (\`systemctl start libvirtd\`, or \`${HOST_SETUP}\`)`;
    return [bad("libvirt", `cannot reach libvirt at ${uri}: ${why(version)}`, fix), ...skipped];
  }
  const hv = /Running hypervisor:\s*(.+)/.exec(version.stdout)?.[1]?.trim();
  const libvirt = good("libvirt", `libvirt reachable at ${uri}${hv ? ` (${hv})` : ""}`);
  return [libvirt, ...(await Promise.all([checkNetwork(virsh, uri), checkPool(virsh, uri)]))];
}

async function checkNetwork(virsh: Virsh, uri: string): Promise<Check> {
  const r = await virsh(["net-info", "default"]);
  const start = `virsh -c ${uri} net-start default`;
  if (failed(r)) {
    const define = `virsh -c ${uri} net-define /usr/share/libvirt/networks/default.xml`;
    const summary = `libvirt network "default" is not defined: ${why(r)}`;
    return bad("network", summary, `${define} && ${start}`);
  }
  if (!/^Active:\s*yes/m.test(r.stdout))
    return bad("network", 'network "default" is not active', start);
  return good("network", 'libvirt network "default" is active');
}

async function checkPool(virsh: Virsh, uri: string): Promise<Check> {
  const r = await virsh(["pool-info", "rum"]);
  if (/Storage pool not found|failed to get pool/i.test(r.stderr)) {
    return good("pool", 'storage pool "rum" not defined yet: will be created by rum up');
  }
  if (failed(r)) return bad("pool", `cannot inspect storage pool "rum": ${why(r)}`, HOST_SETUP);
  if (!/^State:\s*running/m.test(r.stdout)) {
    return bad("pool", 'storage pool "rum" is not running', `virsh -c ${uri} pool-start rum`);
  }
  return good("pool", 'storage pool "rum" is running');
}

const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  );

async function checkVirtiofsd(paths: string[], which: (n: string) => string | null) {
  for (const p of paths) if (await exists(p)) return good("virtiofsd", `virtiofsd found at ${p}`);
  const onPath = which("virtiofsd");
  if (onPath) return good("virtiofsd", `virtiofsd found at ${onPath}`);
  const fix = "apt install virtiofsd (qemu-system-common on Debian 12)";
  return bad("virtiofsd", "virtiofsd not found: mounts will use 9p (slower)", fix);
}

async function checkOvmf(code: string, descriptorDir: string): Promise<Check> {
  if (await exists(code)) return good("ovmf", `OVMF firmware found at ${code}`);
  const descriptors = await readdir(descriptorDir).catch((): string[] => []);
  if (descriptors.some((f) => f.endsWith(".json"))) {
    return good("ovmf", `firmware descriptors found in ${descriptorDir}`);
  }
  return bad("ovmf", 'OVMF not found: needed only for firmware = "uefi"', "apt install ovmf");
}

async function checkDiskSpace(cacheDir: string, minFree: number): Promise<Check> {
  // The cache folder may not exist yet: measure the filesystem it will be created on.
  let dir = cacheDir;
  while (dir !== dirname(dir) && !(await exists(dir))) dir = dirname(dir);
  const s = await statfs(dir).catch(() => null);
  if (!s) return bad("disk", `cannot measure free space in ${dir}`, "check the image cache folder");
  const free = s.bavail * s.bsize;
  const summary = `${(free / GIB).toFixed(1)} GiB free for the image cache (${cacheDir})`;
  if (free >= minFree) return good("disk", summary);
  const fix = `free at least ${minFree / GIB} GiB, or run \`rum image clear\``;
  return bad("disk", `only ${summary}`, fix);
}
