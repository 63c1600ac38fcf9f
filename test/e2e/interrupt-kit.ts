/**
 * Interrupting the real `rum up` at a chosen moment. rum runs as the leader
 * of its own process group (via setsid), so SIGINT can go to the whole group
 * as a terminal's Ctrl-C does; SIGKILL goes to rum alone, so what it started
 * goes on as a real orphaned child would. `virsh-wrapper.ts` makes a chosen
 * virsh call last long enough to be hit; `procs()` shows what is running at
 * the moment of the signal.
 */
import { readdirSync, readFileSync } from "node:fs";
import { RUM } from "./harness";

export interface RunningRum {
  pid: number;
  /** stderr so far. */
  stderr(): string;
  exited: Promise<number | null>;
  /** SIGINT to the process group (Ctrl-C), SIGKILL to rum alone (`kill -9 PID`). */
  interrupt(signal: "SIGINT" | "SIGKILL"): void;
}

export function startRum(args: string[], cwd: string, env: Record<string, string>): RunningRum {
  const child = Bun.spawn(["setsid", RUM, ...args], {
    cwd,
    env,
    stdin: "ignore",
    stdout: "ignore",
    stderr: "pipe",
  });
  let err = "";
  const decoder = new TextDecoder();
  const drained = (async () => {
    for await (const chunk of child.stderr) err += decoder.decode(chunk, { stream: true });
  })();
  return {
    pid: child.pid,
    stderr: () => err,
    exited: child.exited.then(async (code) => {
      await drained;
      return child.signalCode ? null : code;
    }),
    interrupt(signal) {
      process.kill(signal === "SIGINT" ? -child.pid : child.pid, signal);
    },
  };
}

export async function until(
  what: string,
  ok: () => boolean,
  timeoutMs = 600_000,
  pollMs = 100,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(pollMs);
  }
}

export const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

export interface Proc {
  pid: number;
  /** Process group (rum's PID for everything rum started). */
  pgid: number;
  argv: string[];
}

/** Every process on the host, read from /proc (processes that end meanwhile are left out). */
export function procs(): Proc[] {
  const out: Proc[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      // Fields after the ")" that closes the command name: state ppid pgrp …
      const pgid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
      const argv = readFileSync(`/proc/${name}/cmdline`, "utf8").split("\0").filter(Boolean);
      out.push({ pid: Number(name), pgid, argv });
    } catch {}
  }
  return out;
}
