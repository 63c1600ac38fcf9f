/**
 * Other guests on the host steal the CPU that software emulation needs, so
 * the VM benchmarks wait for a quiet host first and record every foreign
 * guest they still see during the run (the doc says so next to the numbers).
 */
import { run, sleep } from "./proc";

/** Names (`-name guest=…`) of running QEMU guests not started by this benchmark. */
export async function foreignGuests(): Promise<string[]> {
  const r = await run(["pgrep", "-a", "qemu-system"]);
  return r.stdout
    .split("\n")
    .filter(Boolean)
    .map((l) => /-name guest=([^,\s]+)/.exec(l)?.[1] ?? l.slice(0, 60))
    .filter((n) => !n.startsWith("rumbench") && !n.startsWith("rum-bench"));
}

/** Polls every 30 s until no foreign guest runs, for at most `maxMin` minutes; returns what remained. */
export async function waitQuiet(maxMin: number): Promise<string[]> {
  const end = Date.now() + maxMin * 60_000;
  for (;;) {
    const seen = await foreignGuests();
    if (seen.length === 0 || Date.now() > end) return seen;
    console.error(`bench: waiting for other guests to stop: ${seen.join(", ")}`);
    await sleep(30_000);
  }
}

/**
 * Which libvirtd and default-network dnsmasq are running. When either is
 * restarted (the reliability tests do), running guests' taps fall off the
 * bridge and a boot waits for a DHCP lease that never comes: a changed value
 * across a contender's run marks that run as disturbed.
 */
export async function libvirtEpoch(): Promise<string> {
  const pid = async (f: string) =>
    (
      await Bun.file(f)
        .text()
        .catch(() => "?")
    ).trim();
  return `libvirtd ${await pid("/run/libvirtd.pid")}, dnsmasq ${await pid("/run/libvirt/network/default.pid")}`;
}

/** Remembers foreign guests seen at any of the calls. */
export class ContentionLog {
  readonly seen = new Set<string>();
  async check(): Promise<void> {
    for (const g of await foreignGuests()) this.seen.add(g);
  }
}
