/**
 * docs/domain-ab.md from the JSON documents `bun bench/domain-ab.ts` printed,
 * one section per run, in the order given. A "Reading" written by hand below
 * the generated part is kept.
 *
 *   bun bench/doc-domain-ab.ts RESULT.json [RESULT.json…]
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "pathe";
import type { DomainAbBoot as Boot, DomainAbRun as Run } from "./lib/domain-ab-result";
import { median } from "./lib/stats";

const OUT = join(import.meta.dir, "../docs/domain-ab.md");
const MARK = "## Reading";

const s1 = (x: number) => x.toFixed(1);
const spread = (xs: number[]) =>
  `${s1(median(xs))} s (${s1(Math.min(...xs))}–${s1(Math.max(...xs))})`;

function section(run: Run, n: number): string {
  const variants = [...new Set(run.boots.map((b) => b.variant))];
  const rows = variants.map((v) => {
    const mine = run.boots.filter((b) => b.variant === v).sort((a, b) => a.round - b.round);
    const col = (k: keyof Boot) => spread(mine.map((b) => b[k] as number));
    const each = mine.map((b) => `${s1(b.readyS)} (load ${s1(b.load)})`).join(", ");
    return `| ${v} | ${col("readyS")} | ${col("leaseS")} | ${col("portS")} | ${col("sshS")} | ${each} |`;
  });
  return `## Run ${n}: ${run.date.slice(0, 16).replace("T", " ")} UTC, rum at ${run.revision}, ${run.rounds} rounds

| variant | ready | lease | port 22 | SSH login | every round: ready s (host load) |
|---|---|---|---|---|---|
${rows.join("\n")}
`;
}

const runs = process.argv.slice(2).map((f) => JSON.parse(readFileSync(f, "utf8")) as Run);
if (runs.length === 0) throw new Error("usage: bun bench/doc-domain-ab.ts RESULT.json…");
const old = existsSync(OUT) ? readFileSync(OUT, "utf8") : "";
const reading = old.includes(MARK) ? old.slice(old.indexOf(MARK)) : `${MARK}\n\n(to be written)\n`;
const doc = `# Domain definition under software emulation: what makes a guest ready sooner

Written by \`bun bench/doc-domain-ab.ts docs/domain-ab/run-*.json\` from \`bun bench/domain-ab.ts\` runs (their JSON kept beside this file). rum boots
the test image once to give its domain XML, seed and keys; then each variant of that XML
boots hand-typed (\`virsh define\` + \`start\`, 2 vCPUs, 1 GiB, TCG), one guest at a time,
the order rotating per round, every boot timed by the benchmarks' shared poller from
\`virsh start\` (lease, port 22 and SSH login polled; ready = \`cloud-init status --wait\`
returned). Variants: **rum** as is (its \`auto\` CPU at that revision: \`maximum\` up to
7dd7a5d, \`qemu64-v2\` since); **maximum**, **qemu64**, **nehalem** and **qemu64-v2** (runs before
7dd7a5d) replace only the CPU (qemu64 with the two features virt-install adds; Nehalem is
x86-64-v2 without AVX); **no-hpet** only the clock (virt-install's timers: no HPET, so the
guest's clocksource is acpi_pm); **dmi-nocloud** adds only virt-install's SMBIOS serial
\`ds=nocloud\` (cloud-init then runs its init modules before networking); and
**virt-install-like** all three; **no-usb** turns off the USB controller libvirt adds
unasked, **headless** that and the memory balloon (rum's domain since run 4). Medians with min–max; each boot's 1-minute host load
(2 cores) beside it: above ~1, other work was taking CPU from the emulated guest.

${runs.map((r, i) => section(r, i + 1)).join("\n")}
${reading}`;
writeFileSync(OUT, doc);
console.log(doc);
