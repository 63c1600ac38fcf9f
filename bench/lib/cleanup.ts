/**
 * Undoing everything the benchmark and the peers leave on the host, and
 * nothing else. Contenders register what they create (domains, volumes,
 * files, their own clean-up steps); pools the peers define behind our back
 * (`default` by vagrant-libvirt, `boot` and `images` by virt-install) are
 * removed only when they did not exist before the run. Pools are undefined,
 * never deleted: their folders may hold other tools' files (rum's own pool
 * lives under /var/lib/libvirt/images/rum).
 */
import { chmodSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "pathe";
import { VIRSH } from "./guest";
import { run } from "./proc";

const PEER_POOLS = ["default", "boot", "images"];
const IMAGES_DIR = "/var/lib/libvirt/images";

async function names(kind: "pool-list" | "net-list"): Promise<string[]> {
  const r = await run([...VIRSH, kind, "--all", "--name"]);
  return r.stdout
    .split("\n")
    .map((s) => s.trim())
    .filter(Boolean);
}

export class Cleanup {
  private steps: { what: string; fn: () => Promise<unknown> }[] = [];
  private constructor(
    private readonly poolsBefore: string[],
    private readonly netsBefore: string[],
    private readonly imagesMode: number | undefined,
    private readonly defaultNetXml: string,
  ) {}

  static async snapshot(): Promise<Cleanup> {
    let mode: number | undefined;
    try {
      mode = statSync(IMAGES_DIR).mode & 0o7777;
    } catch {}
    // vagrant destroy may undefine the `default` network it used; it is put back.
    const net = await run([...VIRSH, "net-dumpxml", "--inactive", "default"]);
    return new Cleanup(
      await names("pool-list"),
      await names("net-list"),
      mode,
      net.code === 0 ? net.stdout : "",
    );
  }

  /** A step run at the end, last registered first. */
  add(what: string, fn: () => Promise<unknown>): void {
    this.steps.push({ what, fn });
  }

  domain(name: string): void {
    this.add(`domain ${name}`, async () => {
      await run([...VIRSH, "destroy", name]);
      await run([...VIRSH, "undefine", name]);
    });
  }

  file(path: string): void {
    this.add(`file ${path}`, async () => rmSync(path, { recursive: true, force: true }));
  }

  /**
   * Deletes the files in `dir` whose name matches, e.g. vagrant's uploaded box
   * image: by file, since its pool may already be undefined (see peerPools).
   */
  files(dir: string, match: RegExp): void {
    this.add(`files ${match} in ${dir}`, async () => {
      for (const f of readdirSync(dir)) if (match.test(f)) rmSync(join(dir, f), { force: true });
    });
  }

  /**
   * Undefines the pools the peers defined during the run. Called after each
   * contender too: vagrant-libvirt's `default` and virt-install's `images`
   * both claim /var/lib/libvirt/images, and libvirt refuses the second one.
   */
  async peerPools(): Promise<void> {
    const now = await names("pool-list");
    for (const pool of PEER_POOLS) {
      if (this.poolsBefore.includes(pool) || !now.includes(pool)) continue;
      await run([...VIRSH, "pool-destroy", pool]);
      await run([...VIRSH, "pool-undefine", pool]);
    }
  }

  async run(): Promise<string[]> {
    const failed: string[] = [];
    for (const s of this.steps.reverse()) {
      try {
        await s.fn();
      } catch (e) {
        failed.push(`${s.what}: ${(e as Error).message}`);
      }
    }
    this.steps = [];
    await this.peerPools();
    for (const net of await names("net-list"))
      if (!this.netsBefore.includes(net) && net.startsWith("vagrant-libvirt")) {
        await run([...VIRSH, "net-destroy", net]);
        await run([...VIRSH, "net-undefine", net]);
      }
    if (this.defaultNetXml && !(await names("net-list")).includes("default")) {
      const file = join(tmpdir(), `rum-bench-default-net-${process.pid}.xml`);
      writeFileSync(file, this.defaultNetXml);
      await run([...VIRSH, "net-define", file]);
      await run([...VIRSH, "net-start", "default"]);
      await run([...VIRSH, "net-autostart", "default"]);
      rmSync(file, { force: true });
    }
    // vagrant-libvirt chmods the images folder to 0755; put back what it was.
    if (this.imagesMode !== undefined) chmodSync(IMAGES_DIR, this.imagesMode);
    return failed;
  }
}
