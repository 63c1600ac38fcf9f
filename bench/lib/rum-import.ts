/**
 * Puts rum's base image into its libvirt pool before any clock starts, as
 * vagrant's box is put into its pool: the same steps `rum up` takes first
 * (check the image, make the pool, import the base once per digest), run
 * with the bench project's environment so rum finds its record of the
 * import and skips it in the timed `rum up`. Run as a child:
 *   HOME=… XDG_…=… bun bench/lib/rum-import.ts IMAGE CONFIG_DIR
 */
import { ensurePool } from "../../src/host/pool";
import { Virsh } from "../../src/host/virsh";
import { ensureImage } from "../../src/image/ensure";
import { ensureBaseVolume } from "../../src/vm/base-volume";

const [image, configDir] = process.argv.slice(2) as [string, string];
const virsh = new Virsh("qemu:///system");
const ready = await ensureImage(image, { configDir });
await ensurePool(virsh);
// Nothing surveyed: ensureBaseVolume asks libvirt itself.
console.log(await ensureBaseVolume(virsh, ready, { info: null, refreshed: false, volumes: null }));
