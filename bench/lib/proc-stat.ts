/**
 * A process's CPU and memory from /proc, as the kernel counts them: CPU time
 * in clock ticks (utime + stime of /proc/PID/stat), RSS and its high-water
 * mark (VmRSS, VmHWM of /proc/PID/status), and the process's descendants
 * (the watcher's ssh sessions do part of its work).
 */
import { readdirSync, readFileSync } from "node:fs";

/** Fields of /proc/PID/stat after the command name (which may hold spaces and parens). */
function statFields(pid: number): string[] | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    return text.slice(text.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

/** utime + stime in clock ticks; NaN when the process is gone. */
export function cpuTicks(pid: number): number {
  const f = statFields(pid);
  // After the name: state is field 3 of proc(5), so utime (14) and stime (15) are [11], [12].
  return f ? Number(f[11]) + Number(f[12]) : Number.NaN;
}

/** A value of /proc/PID/status in bytes (the kernel writes kB); NaN when absent. */
function statusBytes(pid: number, key: "VmRSS" | "VmHWM"): number {
  try {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(
      readFileSync(`/proc/${pid}/status`, "utf8"),
    );
    return m ? Number(m[1]) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

export const rssBytes = (pid: number) => statusBytes(pid, "VmRSS");
export const peakRssBytes = (pid: number) => statusBytes(pid, "VmHWM");

/** Every live descendant of `pid` (children, their children, …). */
export function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const f = statFields(Number(name));
    if (f) parentOf.set(Number(name), Number(f[1]));
  }
  const out: number[] = [];
  const queue = [pid];
  while (queue.length) {
    const p = queue.shift() as number;
    for (const [child, parent] of parentOf)
      if (parent === p) {
        out.push(child);
        queue.push(child);
      }
  }
  return out;
}

/** The kernel's clock ticks per second (USER_HZ), what /proc/PID/stat counts in. */
export function clockTicksPerS(): number {
  const r = Bun.spawnSync(["getconf", "CLK_TCK"], { stdout: "pipe" });
  return Number(r.stdout.toString().trim()) || 100;
}
