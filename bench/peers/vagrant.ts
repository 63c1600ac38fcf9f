/**
 * vagrant-libvirt, driven as its users do: a local box made once from the
 * cached test image and already in libvirt's pool before any clock starts
 * (untimed, like every contender's image), then per run keys + a NoCloud
 * seed CD-ROM (vagrant-libvirt has no cloud-init support of its own), a
 * Vagrantfile (qemu driver, same size, synced folders off, libvirt's default
 * network as the management network) and `vagrant up`, which returns when
 * SSH answers; ready means cloud-init done, as for every contender.
 */
import { copyFileSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "pathe";
import type { Cleanup } from "../lib/cleanup";
import { type Keys, makeKeys, makeSeedIso, USER, VIRSH } from "../lib/guest";
import { must, type RunOptions, run } from "../lib/proc";
import { type Contender, IMAGES } from "./virsh";

const BOX = "rumbench";
/**
 * The pool volume vagrant-libvirt (0.11.2 in Debian 12) uploads a box's
 * box.img to, and skips uploading when it exists (handle_box_image.rb,
 * get_volume_name): `<box>_vagrant_box_image_<version>_box.img`, where a box
 * added from a file has no version and gets `0_<mtime of its box.img in
 * VAGRANT_HOME, in seconds>`. Any other box volume appearing during a timed
 * run is caught by boxUploadedDuring.
 */
let boxVolume = "";
const boxVolumes = () =>
  readdirSync(IMAGES).filter((f) => f.startsWith(`${BOX}_vagrant_box_image`));

/** VAGRANT_HOME under `work`, the box built and added; its removal registered. */
export async function vagrantBox(work: string, base: string, clean: Cleanup): Promise<RunOptions> {
  const env = {
    ...process.env,
    VAGRANT_HOME: join(work, "vagrant.d"),
    VAGRANT_CHECKPOINT_DISABLE: "1",
    VAGRANT_DEFAULT_PROVIDER: "libvirt",
  };
  const boxDir = join(work, "box");
  mkdirSync(boxDir, { recursive: true });
  writeFileSync(
    join(boxDir, "metadata.json"),
    '{"provider":"libvirt","format":"qcow2","virtual_size":4}',
  );
  writeFileSync(
    join(boxDir, "Vagrantfile"),
    'Vagrant.configure("2") do |c|\n  c.vm.provider :libvirt do |l|\n    l.driver = "qemu"\n  end\nend\n',
  );
  await must(["cp", "--reflink=auto", base, join(boxDir, "box.img")]);
  await must([
    "tar",
    "-C",
    boxDir,
    "-cf",
    join(work, "rumbench.box"),
    "metadata.json",
    "Vagrantfile",
    "box.img",
  ]);
  clean.file(join(work, "vagrant.d"));
  // The box's pool volume outlives `vagrant box remove`.
  clean.files(IMAGES, new RegExp(`^${BOX}_vagrant_box_image`));
  clean.add("vagrant box", async () => {
    await run(["vagrant", "box", "remove", "--force", "--all", BOX], { env });
    await run(["vagrant", "global-status", "--prune"], { env });
  });
  await must(["vagrant", "box", "add", "--name", BOX, join(work, "rumbench.box")], { env });
  // The upload vagrant-libvirt would do inside the first timed `vagrant up`:
  // the file in the pool's folder (a pool `default` defined later scans it).
  const added = join(env.VAGRANT_HOME, "boxes", BOX, "0", "libvirt", "box.img");
  boxVolume = `${BOX}_vagrant_box_image_0_${Math.floor(statSync(added).mtimeMs / 1000)}_box.img`;
  copyFileSync(base, join(IMAGES, boxVolume));
  const pools = await run([...VIRSH, "pool-list", "--name"]);
  if (pools.stdout.split("\n").some((p) => p.trim() === "default"))
    await must([...VIRSH, "pool-refresh", "default"]);
  return { env };
}

/** Box volumes other than the prepared one: vagrant uploaded its box during a timed run. */
export function boxUploadedDuring(): string[] {
  return boxVolumes().filter((f) => f !== boxVolume);
}

function vagrantfile(key: string, seed: string): string {
  return `Vagrant.configure("2") do |config|
  config.vm.box = "${BOX}"
  config.vm.synced_folder ".", "/vagrant", disabled: true
  config.vm.boot_timeout = 900 # software emulation under load; the default 300 s is too short
  config.ssh.username = "${USER}"
  config.ssh.private_key_path = "${key}"
  config.ssh.insert_key = false
  config.vm.provider :libvirt do |l|
    l.driver = "qemu"
    l.memory = 1024
    l.cpus = 2
    l.machine_type = "q35"
    l.management_network_name = "default"
    l.management_network_address = "192.168.122.0/24"
    l.management_network_keep = true # else vagrant destroy undefines libvirt's default network
    l.storage :file, :device => :cdrom, :bus => "sata", :dev => "sda", :path => "${seed}"
  end
end
`;
}

export type Vagrant = Contender & { opts: RunOptions };

/** One cold `vagrant up` of project `name` (its folder under `work`). */
export function vagrant(name: string, work: string, opts: RunOptions, clean: Cleanup): Vagrant {
  const dir = join(work, name);
  const seed = join(IMAGES, `${name}-seed.iso`);
  const inDir: RunOptions = { ...opts, cwd: dir };
  mkdirSync(dir, { recursive: true });
  clean.file(seed);
  clean.files(IMAGES, new RegExp(`^${name}_`)); // only if `vagrant destroy` failed
  clean.add(`vagrant destroy ${name}`, () => run(["vagrant", "destroy", "-f"], inDir));
  let keys: Keys | undefined;
  return {
    opts: inDir,
    // vagrant-libvirt names the domain <project folder>_<machine>.
    target: { isOwn: (d) => d.startsWith(`${name}_`), keys: () => keys },
    commands: async () => {
      const k = await makeKeys(dir, name);
      await makeSeedIso(k, name, seed);
      keys = k;
      writeFileSync(join(dir, "Vagrantfile"), vagrantfile(k.clientKey, seed));
      await must(["vagrant", "up", "--provider", "libvirt"], inDir);
    },
  };
}
