/**
 * The e2e bed: the compiled dist/rum run against the real libvirt with a
 * private HOME/XDG, the test image served over real HTTP, and a cleanup that
 * removes every domain, volume and network a run made, even after a failure.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "pathe";
import { fileDigest, type ImageServer, startImageServer, utf8 } from "../support/http-server";

export const ROOT = join(import.meta.dir, "..", "..");
export const RUM = join(ROOT, "dist", "rum");
export const URI = "qemu:///system";
const POOLS = ["rum", "rum-logs"] as const;

function sh(argv: string[]): { code: number; out: string; err: string } {
  const r = Bun.spawnSync(argv, { stdout: "pipe", stderr: "pipe" });
  return { code: r.exitCode, out: r.stdout.toString(), err: r.stderr.toString() };
}

/** `virsh -c qemu:///system ARGS…`, for setting up and checking what rum did. */
export const virsh = (...args: string[]) => sh(["virsh", "-c", URI, ...args]);

/** Whether this host can run the VM tests; under CI a missing piece is a failure. */
export function vmHostReady(): boolean {
  const ok = sh(["virsh", "-c", URI, "version"]).code === 0 && Bun.file(RUM).size > 0;
  if (!ok && process.env.CI) {
    throw new Error(
      "CI=true but libvirt is unreachable or dist/rum is missing: run `bun run build` and `sudo dist/rum doctor --fix`",
    );
  }
  return ok;
}

/**
 * Path of the cached test image (built on first use, keyed by its builder's hash):
 * the x86_64 Debian guest, or with "build-aarch64.sh" the aarch64 DHCP-only one.
 */
export function testImage(builder: "build.sh" | "build-aarch64.sh" = "build.sh"): string {
  const r = sh(["bash", join(ROOT, "test/e2e/image", builder)]);
  if (r.code !== 0) throw new Error(`test image build failed:\n${r.err}`);
  return r.out.trim().split("\n").pop() as string;
}

/**
 * A rum.toml for a test guest: the served image, 1 GiB, software emulation and
 * a long address wait (boots under TCG are slow). `extra` adds more tables,
 * `advanced` more keys to [advanced].
 */
export function guestToml(
  name: string,
  image: { url: string; sha256: string },
  more: { extra?: string; advanced?: string } = {},
): string {
  return `name = "${name}"
[image]
base = "${image.url}"
sha256 = "${image.sha256}"
[resources]
memory_mb = 1024
disk = "4G"
[network]
ip_wait_timeout_s = 900
[advanced]
${more.advanced ?? ""}domain_type = "qemu"
${more.extra ?? ""}`;
}

export interface RumResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run argv to its end, collecting its exit code, stdout and stderr. */
export async function collect(
  argv: string[],
  opts: { cwd: string; env?: Record<string, string>; stdin?: string | Uint8Array },
): Promise<RumResult> {
  const child = Bun.spawn(argv, {
    cwd: opts.cwd,
    ...(opts.env ? { env: opts.env } : {}),
    stdin: opts.stdin === undefined ? "ignore" : new Blob([opts.stdin]),
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  return { code, stdout, stderr };
}

export class Bed {
  readonly home = mkdtempSync(join(tmpdir(), "rum-e2e-"));
  readonly env: Record<string, string>;
  server?: ImageServer;
  private readonly poolsExisted = new Set(
    POOLS.filter((p) => sh(["virsh", "-c", URI, "pool-info", p]).code === 0),
  );
  private readonly volumesBefore = new Set(POOLS.flatMap((p) => this.volumes(p)));

  constructor() {
    this.env = {
      ...(process.env as Record<string, string>),
      HOME: this.home,
      XDG_DATA_HOME: join(this.home, "data"),
      XDG_CACHE_HOME: join(this.home, "cache"),
      XDG_CONFIG_HOME: join(this.home, "config"),
      NO_COLOR: "1",
    };
  }

  /** Serve the test image (and its SHA256SUMS) over HTTP on loopback. */
  async serveImage(image: string): Promise<{ url: string; sha256: string }> {
    const sha256 = await fileDigest(image, "sha256");
    this.server = await startImageServer({
      files: {
        "/images/debian-12-test.qcow2": image,
        "/images/SHA256SUMS": utf8(`${sha256}  debian-12-test.qcow2\n`),
      },
    });
    return { url: `${this.server.url}/images/debian-12-test.qcow2`, sha256 };
  }

  /** Write a project folder with a rum.toml; returns the folder. */
  project(name: string, toml: string): string {
    const dir = join(this.home, name);
    Bun.spawnSync(["mkdir", "-p", dir]);
    writeFileSync(join(dir, "rum.toml"), toml);
    return dir;
  }

  rum(
    args: string[],
    opts: { cwd?: string; stdin?: string | Uint8Array; env?: Record<string, string> } = {},
  ): Promise<RumResult> {
    return collect([RUM, ...args], {
      cwd: opts.cwd ?? this.home,
      env: { ...this.env, ...opts.env },
      ...(opts.stdin === undefined ? {} : { stdin: opts.stdin }),
    });
  }

  /** Volume names in one of rum's pools (`rum` by default; `rum-logs` holds console logs). */
  volumes(pool: (typeof POOLS)[number] = "rum"): string[] {
    const r = sh(["virsh", "-q", "-c", URI, "vol-list", "--pool", pool]);
    return r.code === 0
      ? r.out
          .split("\n")
          .map((l) => l.trim().split(/\s+/)[0] ?? "")
          .filter(Boolean)
      : [];
  }

  /** Domains this bed's configs created (their metadata names a path under our HOME). */
  domains(): string[] {
    const names = sh(["virsh", "-c", URI, "list", "--all", "--name"])
      .out.split("\n")
      .map((s) => s.trim())
      .filter(Boolean);
    return names.filter(
      (n) => n.startsWith("rum-") && sh(["virsh", "-c", URI, "dumpxml", n]).out.includes(this.home),
    );
  }

  /**
   * Whether a volume that appeared during this bed's life is its own: named
   * after one of its domains, or a base image no other VM on the host may be
   * backed by. Other engineers' runs create volumes beside ours; deleting every
   * new one pulled the disks from under their running guests.
   */
  private ownsVolume(v: string, domains: string[], othersExist: boolean): boolean {
    if (this.volumesBefore.has(v)) return false;
    if (domains.some((d) => v.startsWith(`${d}-`) || v.startsWith(`${d}.`))) return true;
    return v.startsWith("base-") && !othersExist;
  }

  async cleanup(): Promise<void> {
    const live = this.domains();
    // Domains already destroyed by a test leave their state dir only if destroy failed.
    const stateDirs = sh(["ls", join(this.home, "data", "rum")]).out.split("\n");
    const domains = [...new Set([...live, ...stateDirs.filter((d) => d.startsWith("rum-"))])];
    const othersExist = sh(["virsh", "-c", URI, "list", "--all", "--name"])
      .out.split("\n")
      .some((n) => n.trim().startsWith("rum-") && !live.includes(n.trim()));
    for (const d of live) {
      sh(["virsh", "-c", URI, "destroy", d]);
      sh(["virsh", "-c", URI, "undefine", "--nvram", d]);
    }
    for (const pool of POOLS) {
      for (const v of this.volumes(pool)) {
        if (this.ownsVolume(v, domains, othersExist))
          sh(["virsh", "-c", URI, "vol-delete", "--pool", pool, v]);
      }
      if (!this.poolsExisted.has(pool) && this.volumes(pool).length === 0) {
        sh(["virsh", "-c", URI, "pool-destroy", pool]);
        sh(["virsh", "-c", URI, "pool-delete", pool]);
        sh(["virsh", "-c", URI, "pool-undefine", pool]);
      }
    }
    for (const n of sh(["virsh", "-c", URI, "net-list", "--all", "--name"]).out.split("\n")) {
      if (!n.trim().startsWith("rume2e-")) continue;
      sh(["virsh", "-c", URI, "net-destroy", n.trim()]);
      sh(["virsh", "-c", URI, "net-undefine", n.trim()]);
    }
    sh(["pkill", "-f", `ControlPath=${this.home}`]);
    await this.server?.stop();
    rmSync(this.home, { recursive: true, force: true });
  }
}
