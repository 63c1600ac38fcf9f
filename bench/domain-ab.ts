/**
 * Which parts of a domain definition make a TCG guest reach ready sooner?
 * rum boots once to give its domain XML, seed and keys; then each variant of
 * that XML (one change each, and all of them: what virt-install writes for
 * the same image) boots hand-typed, one guest at a time, the order rotating
 * per round, every boot timed by the shared poller (lib/poller.ts) from
 * `virsh start`. Prints one JSON document; bench/doc-domain-ab.ts writes
 * docs/domain-ab.md from it.
 *
 *   bun bench/domain-ab.ts [ROUNDS] [VARIANT…]    (default: 3 rounds, every variant)
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "pathe";
import type { DomainAbBoot } from "./lib/domain-ab-result";
import { VIRSH } from "./lib/guest";
import { before, watch } from "./lib/poller";
import { must, run } from "./lib/proc";
import { captureRum, handTypedXml, IMAGES, overlay } from "./peers/virsh";
import { rumCold, rumDestroy, rumDomain, rumProject, rumStateDir } from "./rum-vm";

const QEMU64 = `<cpu mode='custom' match='exact' check='none'><model fallback='forbid'>qemu64</model><feature policy='require' name='hypervisor'/><feature policy='require' name='lahf_lm'/></cpu>`;
// rum's TCG default before qemu64-v2 (rum's own XML carries that now: the "rum" variant).
const MAXIMUM = `<cpu mode='maximum'/>`;
// x86-64-v2 (SSE4.2, POPCNT: what RHEL 9 and its kin require) without AVX.
const NEHALEM = `<cpu mode='custom' match='exact' check='none'><model fallback='forbid'>Nehalem</model></cpu>`;
const CLOCK = `<clock offset='utc'><timer name='rtc' tickpolicy='catchup'/><timer name='pit' tickpolicy='delay'/><timer name='hpet' present='no'/></clock>`;

const CPU = /<cpu[\s>][\s\S]*?<\/cpu>|<cpu[^>]*\/>/;
const replaceCpu = (x: string, cpu = QEMU64) =>
  CPU.test(x) ? x.replace(CPU, cpu) : x.replace("</features>", `</features>${cpu}`);
const replaceClock = (x: string) =>
  /<clock[\s\S]*?(<\/clock>|\/>)/.test(x)
    ? x.replace(/<clock[^>]*\/>|<clock[\s\S]*?<\/clock>/, CLOCK)
    : x.replace("<devices>", `${CLOCK}<devices>`);
const addDmi = (x: string) =>
  x
    .replace(
      "<os>",
      "<sysinfo type='smbios'><system><entry name='serial'>ds=nocloud</entry></system></sysinfo><os>",
    )
    .replace("</os>", "<smbios mode='sysinfo'/></os>");

// Devices a headless guest never uses: the USB controller libvirt adds unasked,
// the memory balloon. (`<ps2 state='off'/>` is refused here: "unexpected feature".)
const noUsb = (x: string) =>
  x
    .replace(/<controller type='usb'[^>]*\/>|<controller type='usb'[\s\S]*?<\/controller>/g, "")
    .replace("<devices>", "<devices><controller type='usb' model='none'/>");
const noBalloon = (x: string) =>
  x.replace(/<memballoon[^>]*\/>|<memballoon[\s\S]*?<\/memballoon>/, "<memballoon model='none'/>");

/** Each variant is rum's XML with one change, or all of virt-install's. */
const VARIANTS: Record<string, (xml: string) => string> = {
  rum: (x) => x,
  qemu64: (x) => replaceCpu(x),
  nehalem: (x) => replaceCpu(x, NEHALEM),
  maximum: (x) => replaceCpu(x, MAXIMUM),
  "no-hpet": replaceClock,
  "dmi-nocloud": addDmi,
  "virt-install-like": (x) => addDmi(replaceClock(replaceCpu(x))),
  "no-usb": noUsb,
  headless: (x) => noBalloon(noUsb(x)),
};

const rounds = Number(process.argv[2] ?? 3);
const chosen = process.argv.slice(3).length ? process.argv.slice(3) : Object.keys(VARIANTS);
const root = resolve(import.meta.dir, "..");
const image = (await run(["bash", join(root, "test/e2e/image/build.sh")])).stdout
  .trim()
  .split("\n")
  .pop() as string;
const work = mkdtempSync(join(tmpdir(), "rum-domain-ab-"));
const base = join(IMAGES, "rumab-base.qcow2");
const p = rumProject(work, image, "ab");

const boots: DomainAbBoot[] = [];

async function bootVariant(variant: string, xml: string, round: number) {
  const name = `rumab-${variant}`;
  const disk = join(IMAGES, `${name}.qcow2`);
  const seed = join(IMAGES, `${name}-seed.iso`);
  const file = join(work, `${name}.xml`);
  await overlay(base, disk);
  await Bun.write(seed, Bun.file(captured.seed));
  writeFileSync(file, handTypedXml(xml, name, { disk, seed, log: join(work, `${name}.log`) }));
  await must([...VIRSH, "define", file]);
  const load = loadavg()[0] ?? 0;
  const was = await before();
  const t0 = Bun.nanoseconds();
  const seen = watch(
    { isOwn: (d) => d === name, keys: () => captured.keys },
    was,
    t0,
    AbortSignal.timeout(900_000),
  );
  await must([...VIRSH, "start", name]);
  const m = await seen;
  boots.push({
    variant,
    round,
    load,
    leaseS: m.leaseS,
    portS: m.portS,
    sshS: m.sshS,
    readyS: m.cloudInitS,
  });
  console.error(`domain-ab: round ${round} ${variant}: ready ${m.cloudInitS.toFixed(1)} s`);
  await run([...VIRSH, "destroy", name]);
  await run([...VIRSH, "undefine", name]);
  rmSync(disk, { force: true });
  rmSync(seed, { force: true });
}

/** Every domain, volume and file this run made; also on Ctrl-C or kill. */
async function cleanup(): Promise<void> {
  await rumDestroy(p).catch(() => {});
  for (const v of chosen) {
    await run([...VIRSH, "destroy", `rumab-${v}`]);
    await run([...VIRSH, "undefine", `rumab-${v}`]);
    rmSync(join(IMAGES, `rumab-${v}.qcow2`), { force: true });
    rmSync(join(IMAGES, `rumab-${v}-seed.iso`), { force: true });
  }
  rmSync(base, { force: true });
  rmSync(work, { recursive: true, force: true });
}
for (const sig of ["SIGINT", "SIGTERM"] as const)
  process.on(sig, () => void cleanup().then(() => process.exit(130)));

let captured: Awaited<ReturnType<typeof captureRum>>;
try {
  await Bun.write(base, Bun.file(image));
  await rumCold(p, []).commands();
  const domain = await rumDomain(p);
  captured = await captureRum(domain, rumStateDir(p, domain), join(work, "rum"));
  await rumDestroy(p);
  for (let r = 0; r < rounds; r++) {
    const order = chosen.map((_, i) => chosen[(i + r) % chosen.length] as string);
    for (const v of order) {
      const make = VARIANTS[v];
      if (!make)
        throw new Error(`unknown variant ${v}; known: ${Object.keys(VARIANTS).join(", ")}`);
      await bootVariant(v, make(captured.xml), r + 1);
    }
  }
} finally {
  await cleanup();
}
const rev = (await run(["git", "-C", root, "rev-parse", "--short", "HEAD"])).stdout.trim();
console.log(
  JSON.stringify({ revision: rev, date: new Date().toISOString(), rounds, boots }, null, 2),
);
