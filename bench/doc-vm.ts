/**
 * The VM part of docs/benchmarks.md, from bench/vm.ts's result: cold starts
 * of rum and its peers to the same "ready", the warm commands, graceful
 * stops, and every target's verdict by one rule (lib/stats.ts), with caveats
 * computed from the same numbers for hits and misses alike: no sentence here
 * states a fact about the run that the data did not produce.
 */
import { median, overlaps, spread, type Verdict, verdict } from "./lib/stats";
import type { ContenderKey, Round, VmResult } from "./lib/vm-result";

/** Where the result came from: this run, or a kept file of an earlier one. */
export type Provenance = { reusedFrom?: string };

const s1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : "—");
const ms0 = (x: number) => (Number.isFinite(x) ? `${x.toFixed(0)} ms` : "—");
const pct = (x: number) => `${Math.abs(x * 100).toFixed(1)} %`;
const range = (xs: number[], f: (x: number) => string) => {
  const s = spread(xs);
  return s.n ? `${f(s.median)} (${f(s.min)}–${f(s.max)}, n=${s.n})` : "not measured";
};
const secs = (xs: number[]) => range(xs, (x) => `${s1(x)} s`);
const msr = (xs: number[]) => range(xs, (x) => ms0(x));

const NAMES: Record<ContenderKey, string> = {
  rum: "`rum up -d`",
  handTyped: "hand-typed: `qemu-img` overlay + rum's seed and domain XML + `virsh define/start`",
  virtInstall: "`virt-install --import --cloud-init`",
  vagrant: "`vagrant up` (box already in the pool)",
};

const SHORT: Record<ContenderKey, string> = {
  rum: "rum",
  handTyped: "hand-typed",
  virtInstall: "virt-install",
  vagrant: "vagrant",
};

/** A target row: the numbers it is judged on and how they are shown. */
type Row = {
  what: string;
  rum: number[];
  baseline: number[];
  baselineName: string;
  target: number;
  show: (xs: number[]) => string;
  /** Seconds a milestone or stop can be seen late by polling; adds a resolution caveat. */
  resolutionS?: number;
  /** What one of rum's numbers is: a round, or a round's median of warm runs. */
  rumUnit: string;
  /** rum's and the baseline's figure of the same round, where both have one. */
  pairs?: [number, number][];
};

/** Rounds in which both booted, as [rum, other]; a failed round has no pair. */
function roundPairs(rum: Round[], other: Round[]): [number, number][] {
  return rum.flatMap((r) => {
    const o = other.find((x) => x.round === r.round);
    return o ? [[r.readyS, o.readyS] as [number, number]] : [];
  });
}

/** Taking turns within a round cancels what drifts between rounds (host, page cache). */
function pairedCaveat(pairs: [number, number][], name: string): string {
  const ratios = pairs.map(([a, b]) => a / b);
  const ahead = pairs.filter(([a, b]) => a < b).length;
  const r = spread(ratios);
  return `paired by round: rum ahead in ${ahead} of ${pairs.length}, rum ÷ ${name} ${r.median.toFixed(2)}× (${r.min.toFixed(2)}–${r.max.toFixed(2)}×)`;
}

/** The caveats of a verdict, from its numbers only; printed for a hit as for a miss. */
function caveats(row: Row, v: Verdict): string[] {
  const out: string[] = [];
  const r = spread(row.rum);
  const b = spread(row.baseline);
  if (v.state === "no verdict") return [`no verdict: ${v.reason}`];
  const margin = 1 - v.worstRatio;
  out.push(
    v.state === "met"
      ? `rum's worst ${row.rumUnit} is ${pct(margin)} under the limit`
      : `rum's worst ${row.rumUnit} is ${pct(margin)} over the limit; its median is ${v.medianRatio.toFixed(2)}× the baseline's (target ${row.target}×)`,
  );
  out.push(
    overlaps(row.rum, row.baseline)
      ? `the ranges overlap (rum ${row.show([r.min])}–${row.show([r.max])}, ${row.baselineName} ${row.show([b.min])}–${row.show([b.max])})`
      : `the ranges do not overlap (rum ${row.show([r.min])}–${row.show([r.max])}, ${row.baselineName} ${row.show([b.min])}–${row.show([b.max])})`,
  );
  const bSpread = (b.max - b.min) / b.median;
  if (bSpread > Math.abs(margin))
    out.push(
      `the baseline's own spread (${pct(bSpread)} of its median) is wider than the margin (${pct(margin)})`,
    );
  if (row.resolutionS !== undefined) {
    const marginS = Math.abs(v.limit - r.max);
    if (marginS <= row.resolutionS)
      out.push(
        `the margin (${(marginS * 1000).toFixed(0)} ms) is within one poll interval (${(row.resolutionS * 1000).toFixed(0)} ms): polling alone could flip it`,
      );
  }
  if (row.pairs?.length) out.push(pairedCaveat(row.pairs, row.baselineName));
  out.push(`n = ${r.n} for rum, ${b.n} for the baseline`);
  return out;
}

function verdictRow(row: Row): string {
  const v = verdict(row.rum, row.baseline, row.target);
  const state = v.state === "met" ? "met" : v.state === "missed" ? "**missed**" : "no verdict";
  const worst = row.rum.length ? row.show([Math.max(...row.rum)]) : "—";
  return `| ${row.what} | ${worst} | ${row.show([median(row.baseline)])} | ${row.target}× → ${Number.isFinite(v.limit) ? row.show([v.limit]) : "—"} | ${state} | ${caveats(row, v).join("; ")} |`;
}

const ready = (rs: Round[]) => rs.map((r) => r.readyS);

function coldRow(key: ContenderKey, rs: Round[]): string {
  if (rs.length === 0) return `| ${NAMES[key]} | not measured (see failures) | | | | | | |`;
  const m = (f: (r: Round) => number) => s1(median(rs.map(f)));
  const first = rs.filter((r) => r.position === 0).map((r) => r.round + 1);
  return `| ${NAMES[key]} | ${secs(ready(rs))} | ${m((r) => r.leaseS)} | ${m((r) => r.portS)} | ${m((r) => r.sshS)} | ${m((r) => r.cloudInitS)} | ${m((r) => r.returnedS)} | ${first.length ? first.join(", ") : "—"} |`;
}

/** Median length of each stretch between milestones, per contender: where the time goes. */
const STRETCHES: [string, (r: Round) => number][] = [
  ["first command → lease", (r) => r.leaseS],
  ["lease → port 22", (r) => r.portS - r.leaseS],
  ["port 22 → SSH login", (r) => r.sshS - r.portS],
  ["SSH login → cloud-init done", (r) => r.cloudInitS - r.sshS],
  ["cloud-init done → ready", (r) => r.readyS - r.cloudInitS],
];

function stretchTable(cold: VmResult["cold"]): string {
  const keys = (Object.keys(cold) as ContenderKey[]).filter((k) => cold[k].length);
  const head = `| stretch (median s) | ${keys.map((k) => SHORT[k]).join(" | ")} |\n|---|${keys.map(() => "---").join("|")}|`;
  const rows = STRETCHES.map(
    ([name, f]) => `| ${name} | ${keys.map((k) => s1(median(cold[k].map(f)))).join(" | ")} |`,
  );
  return [head, ...rows].join("\n");
}

/** Which stretch holds most of the difference in median ready between rum and `other`. */
function gapSentence(rum: Round[], other: Round[], otherName: string): string {
  if (!rum.length || !other.length) return "";
  const gap = median(ready(rum)) - median(ready(other));
  const diffs = STRETCHES.map(
    ([name, f]) => [name, median(rum.map(f)) - median(other.map(f))] as const,
  );
  const [name, d] = diffs.reduce((a, b) => (Math.abs(b[1]) > Math.abs(a[1]) ? b : a));
  return `rum's median ready is ${s1(Math.abs(gap))} s ${gap > 0 ? "behind" : "ahead of"} ${otherName}'s; the stretch that differs most is ${name} (${d > 0 ? "+" : ""}${s1(d)} s for rum).`;
}

function phaseMedians(runs: VmResult["rumPhases"]): string {
  const names = runs[0]?.map((p) => p.phase.replace(/ on [\d.]+$/, "")) ?? [];
  return names
    .map((n, i) => `${n} ${s1(median(runs.map((r) => r[i]?.seconds ?? Number.NaN)))} s`)
    .join("; ");
}

/** Seconds of rum's phases before its first wait (image, storage, define, start), median of rounds. */
function beforeBoot(runs: VmResult["rumPhases"]): number {
  return median(
    runs.map((r) => {
      const waits = r.findIndex((p) => p.phase.startsWith("waiting"));
      return r.slice(0, waits < 0 ? r.length : waits).reduce((sum, p) => sum + p.seconds, 0);
    }),
  );
}

const perRound = (v: VmResult, k: keyof VmResult["warm"][number]) =>
  v.warm.map((w) => median(w[k]));
const all = (v: VmResult, k: keyof VmResult["warm"][number]) => v.warm.flatMap((w) => w[k] ?? []);
/** The Bun + virsh floor beside a status row; results from before it was measured have none. */
const floorNote = (xs: number[], missing: boolean) =>
  xs.length
    ? `; a compiled Bun program that only runs \`virsh domstate\`${missing ? " of that missing domain" : ""} (the floor for any Bun tool asking virsh): ${msr(xs)}`
    : "";

export function vmSection(v: VmResult, from: Provenance): string {
  const poll = v.pollMs;
  const res = Math.max(poll.lease, poll.port, poll.ssh) / 1000;
  const rumReady = ready(v.cold.rum);
  const ms = (xs: number[]) => (xs.length ? ms0(xs[0] as number) : "—");
  const sec = (xs: number[]) => (xs.length ? `${s1(xs[0] as number)} s` : "—");
  const rows: Row[] = [
    ...(
      [
        ["handTyped", 1.02, "hand-typed"],
        ["virtInstall", 0.9, "virt-install"],
        ["vagrant", 0.75, "vagrant-libvirt"],
      ] as const
    ).map(([k, target, name]) => ({
      what: `cold \`rum up -d\` to ready ≤ ${target}× ${name}`,
      rum: rumReady,
      baseline: ready(v.cold[k]),
      baselineName: name,
      target,
      show: sec,
      resolutionS: res,
      rumUnit: "round",
      pairs: roundPairs(v.cold.rum, v.cold[k]),
    })),
    {
      what: "`rum down` ≤ 1.05× `virsh shutdown` + polled wait (same guest, taking turns)",
      rum: v.stop.rum,
      baseline: v.stop.virsh,
      baselineName: "virsh",
      target: 1.05,
      show: sec,
      resolutionS: v.stopPollMs / 1000,
      rumUnit: "round",
      // pairedStops: one rum down and one virsh shutdown per round, on one guest.
      pairs: v.stop.rum.flatMap((x, i) => {
        const y = v.stop.virsh[i];
        return y === undefined ? [] : [[x, y] as [number, number]];
      }),
    },
    {
      what: "warm `rum exec -- true` ≤ 1.3× ssh over the master",
      rum: perRound(v, "execWarm"),
      baseline: all(v, "sshOverMaster"),
      baselineName: "ssh over the master",
      target: 1.3,
      show: ms,
      rumUnit: "round's median",
    },
    {
      what: "`rum status` ≤ 1.5× `virsh domstate`",
      rum: perRound(v, "status"),
      baseline: all(v, "virshDomstate"),
      baselineName: "domstate",
      target: 1.5,
      show: ms,
      rumUnit: "round's median",
    },
    {
      what: "`rum status`, VM never created, ≤ 1.2× `virsh domstate` of a missing domain",
      rum: perRound(v, "statusMissing"),
      baseline: all(v, "virshDomstateMissing"),
      baselineName: "domstate",
      target: 1.2,
      show: ms,
      rumUnit: "round's median",
    },
    {
      what: "no-op `rum up` ≤ 1.5× (`virsh domstate` then ssh over the master, one sequence)",
      rum: perRound(v, "noopUp"),
      baseline: all(v, "noopBaseline"),
      baselineName: "the sequence",
      target: 1.5,
      show: ms,
      rumUnit: "round's median",
    },
  ];
  const imported = v.rumPhases.some((ps) => ps.some((p) => /importing base image/.test(p.phase)));
  const provenance = from.reusedFrom
    ? `**Reused result**: read from \`${from.reusedFrom}\`, measured with rum at ${v.revision} on ${v.date.slice(0, 16).replace("T", " ")} UTC — not the same run, revision or moment as the table above.`
    : `Measured in this run, rum at ${v.revision}, ${v.date.slice(0, 16).replace("T", " ")} UTC.`;
  const quiet = v.contention.length
    ? `**Contention:** other guests ran on the host during part of the run (${v.contention.join(", ")}); their CPU use slows every contender that overlapped them.`
    : "No other guest ran on the host during the VM part.";
  const order = Array.from(
    { length: v.roundsDone },
    (_, r) =>
      `round ${r + 1}: ${(Object.keys(v.cold) as ContenderKey[])
        .filter((k) => v.cold[k].some((x) => x.round === r))
        .sort(
          (a, b) =>
            (v.cold[a].find((x) => x.round === r)?.position ?? 0) -
            (v.cold[b].find((x) => x.round === r)?.position ?? 0),
        )
        .join(" → ")}`,
  ).join("; ");
  const w = v.warm;
  return `## rum against its peers (test image, software emulation, 2 vCPUs, 1 GiB)

${provenance}

Cold start: ${v.roundsDone} round${v.roundsDone === 1 ? "" : "s"}${v.roundsDone < v.rounds ? ` (of ${v.rounds} planned; the time budget ended the rest)` : ""}; in each, every contender boots the same Debian 12 test image once, one guest at a time, the first contender rotating per round (${order || "none"}). Every contender's image is on the libvirt host before its clock starts (the peers' base next to their disks, rum's base imported into its pool and its digest remembered, vagrant's box added and in its pool).
One observer times every contender, rum included: started just before the contender's first command and running beside it, it polls libvirt's lease file for a new lease every ${poll.lease} ms, port 22 every ${poll.port} ms, an SSH login every ${poll.ssh} ms, then runs \`cloud-init status --wait\`; milestones are seconds from the first command on that one clock. **Ready** is the later of cloud-init done and the contender's last command returning. The hand-typed baseline is given rum's own domain XML and seed (so its seed and keys cost it nothing); virt-install and vagrant make keys and a seed with the same content inside their time.
**Verdicts:** a target is met only when rum's worst round (for warm commands: its worst round's median) is within target × the baseline's median, on unrounded numbers; fewer than 3 rounds give no verdict. Caveats are computed from the same numbers, for hits and misses alike.
${quiet}${imported ? "\n**rum imported its base image inside a timed run** (a phase below says so): the untimed import did not take." : ""}${v.disturbed.length ? `\n**Disturbed runs** (libvirtd or the default network's dnsmasq was restarted by another process during them; left out of every row): ${v.disturbed.join("; ")}.` : ""}

| contender | ready: median (min–max, n) | lease | port 22 | SSH login | cloud-init done | returned | went first in round |
|---|---|---|---|---|---|---|---|
${(Object.keys(v.cold) as ContenderKey[]).map((k) => coldRow(k, v.cold[k])).join("\n")}

Milestone columns are medians in seconds. rum's own phase times (medians, from its output, for context): ${phaseMedians(v.rumPhases) || "—"}.${v.rumPhases.length && v.cold.handTyped.length ? ` rum's steps up to its domain's start took ${s1(beforeBoot(v.rumPhases))} s (phases shown in tenths), the hand-typed baseline's commands returned after ${s1(median(v.cold.handTyped.map((r) => r.returnedS)))} s.` : ""}

${stretchTable(v.cold)}

${[gapSentence(v.cold.rum, v.cold.handTyped, "hand-typed"), gapSentence(v.cold.rum, v.cold.virtInstall, "virt-install"), gapSentence(v.cold.rum, v.cold.vagrant, "vagrant-libvirt")].filter(Boolean).join("\n")}

What was slow in rum's guest, and what changed, is measured in docs/domain-ab.md: under TCG the guest CPU decides most of a boot (\`maximum\` offered AVX2 and the rest, an Intel model turned on the kernel's Meltdown page-table isolation); rum's \`auto\` is now \`qemu64-v2\`. Devices a headless guest never uses cost it time too: without the USB controller libvirt adds and the memory balloon, a guest was ready sooner in every round of run 4 (by 0.1–1.9 s, 1.6 s between medians), so rum's domain has neither. rum also waits for cloud-init with a shell loop on its result file instead of a second Python process in the guest (src/guest/cloud-init-wait.ts).

## On a running guest (${v.warmRuns} runs each per round, taken in turn, on rum's guest)

| what | rum: median (min–max, n) | baselines, same rounds |
|---|---|---|
| warm \`rum exec -- true\` | ${msr(all(v, "execWarm"))} | ssh over the master (the floor): ${msr(all(v, "sshOverMaster"))}; fresh ssh login: ${msr(all(v, "sshFresh"))}; \`vagrant ssh -c true\`: ${msr(v.vagrantWarm.sshC)} |
| \`rum status\` | ${msr(all(v, "status"))} | \`virsh domstate\`: ${msr(all(v, "virshDomstate"))}${floorNote(all(v, "bunVirsh"), false)}; \`vagrant status\`: ${msr(v.vagrantWarm.status)} |
| \`rum status\`, VM never created | ${msr(all(v, "statusMissing"))} | \`virsh domstate\` of a missing domain: ${msr(all(v, "virshDomstateMissing"))}${floorNote(all(v, "bunVirshMissing"), true)} |
| no-op \`rum up -d\` | ${msr(all(v, "noopUp"))} | \`virsh domstate\` then ssh over the master, timed as one: ${msr(all(v, "noopBaseline"))} |
${w.length ? "" : "\nThe warm commands were not measured (see failures).\n"}
## Graceful stop (ACPI, every round)

\`rum down\` and \`virsh shutdown\` take turns on rum's guest, each after a restart by \`rum up -d\`, ${v.stopExecs} \`rum exec -- true\` and 2 s idle, the first alternating by round: the same guest in the same state (bench/rum-vm.ts, \`pairedStops\`). The hand-typed guest's stop, right after its first ready, and vagrant's are for context.

| contender | time to shut off |
|---|---|
| \`rum down\` (rum's guest) | ${secs(v.stop.rum)} |
| \`virsh shutdown\` + \`domstate\` polled every ${v.stopPollMs} ms (rum's guest, taking turns with \`rum down\`) | ${secs(v.stop.virsh)} |
| \`virsh shutdown\` + the same wait, hand-typed guest right after its ready | ${secs(v.stop.virshHandTyped)} |
| \`vagrant halt\` | ${secs(v.stop.vagrant)} |

## Targets

| target | rum's worst | baseline median | limit | | caveats (computed) |
|---|---|---|---|---|---|
${rows.map(verdictRow).join("\n")}
${v.errors.length ? `\nFailures during the run (the rows above hold only the runs that worked):\n\n${v.errors.map((e) => `- \`${e.split("\n")[0]}\``).join("\n")}\n` : ""}${v.cleanupFailures.length ? `\nClean-up steps that failed: ${v.cleanupFailures.join("; ")}\n` : ""}`;
}
