/**
 * vagrant-libvirt, driven as its users do: a local box made once from the
 * cached test image (not timed: "image cached"), then per run keys + a NoCloud
 * seed CD-ROM (vagrant-libvirt has no cloud-init support of its own), a
 * Vagrantfile (qemu driver, same size, synced folders off, libvirt's default
 * network as the management network) and `vagrant up`. `vagrant up` returns
 * when SSH answers; ready means cloud-init done, as for every contender.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "pathe";
import type { Cleanup } from "../lib/cleanup";
import { makeKeys, makeSeedIso, USER, VIRSH, waitReady } from "../lib/guest";
import { must, type RunOptions, run, since } from "../lib/proc";
import { type Booted, IMAGES } from "./virsh";

const BOX = "rumbench";

export type Vagrant = { opts: RunOptions; dir: string };

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
  // vagrant-libvirt uploads the box into its `default` pool and keeps it after `box remove`.
  clean.files(IMAGES, new RegExp(`^${BOX}_vagrant_box_image`));
  clean.add("vagrant box", async () => {
    await run(["vagrant", "box", "remove", "--force", "--all", BOX], { env });
    await run(["vagrant", "global-status", "--prune"], { env });
  });
  await must(["vagrant", "box", "add", "--name", BOX, join(work, "rumbench.box")], { env });
  return { env };
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
    l.storage :file, :device => :cdrom, :bus => "sata", :dev => "sda", :path => "${seed}"
  end
end
`;
}

/** One cold `vagrant up` of project `name`; returns the run and the project's folder. */
export async function vagrantUp(
  name: string,
  work: string,
  opts: RunOptions,
  clean: Cleanup,
): Promise<Booted & { upS: number; vagrant: Vagrant }> {
  const dir = join(work, name);
  const seed = join(IMAGES, `${name}-seed.iso`);
  const vagrant: Vagrant = { opts: { ...opts, cwd: dir }, dir };
  mkdirSync(dir, { recursive: true });
  clean.file(seed);
  clean.files(IMAGES, new RegExp(`^${name}_`)); // only if `vagrant destroy` failed
  clean.add(`vagrant destroy ${name}`, () => run(["vagrant", "destroy", "-f"], vagrant.opts));
  const t0 = Bun.nanoseconds();
  const keys = await makeKeys(dir, name);
  await makeSeedIso(keys, name, seed);
  writeFileSync(join(dir, "Vagrantfile"), vagrantfile(keys.clientKey, seed));
  await must(["vagrant", "up", "--provider", "libvirt"], vagrant.opts);
  const upS = since(t0);
  const uuid = readFileSync(join(dir, ".vagrant/machines/default/libvirt/id"), "utf8").trim();
  const domain = (await must([...VIRSH, "domname", uuid])).stdout.trim();
  clean.domain(domain); // only if `vagrant destroy` failed
  const mac = /([0-9a-f]{2}(:[0-9a-f]{2}){5})/.exec(
    (await must([...VIRSH, "domiflist", domain])).stdout,
  )?.[1];
  if (!mac) throw new Error(`no MAC address on ${domain}`);
  const m = await waitReady(keys, mac, t0);
  return { ...m, upS, readyS: since(t0), keys, domain, vagrant };
}
