/**
 * Interrupting the real `rum up` at a chosen moment. rum runs as the leader
 * of its own process group (via setsid), so SIGINT can go to the whole group
 * as a terminal's Ctrl-C does. To stop it inside a phase that is over in
 * milliseconds, a `virsh` placed first on PATH holds the matching call until
 * released and then runs the real virsh: after a SIGKILL of rum alone the
 * held call completes on its own, as a real orphaned child would.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "pathe";
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

export async function until(what: string, ok: () => boolean, timeoutMs = 600_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(100);
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** A `virsh` wrapper directory to put first on PATH. */
export class VirshHold {
  readonly dir: string;
  private readonly rule: string;
  private readonly held: string;

  constructor(parent: string) {
    this.dir = join(parent, "virsh-hold");
    this.rule = join(this.dir, "rule");
    this.held = join(this.dir, "held");
    mkdirSync(this.dir, { recursive: true });
    const real = Bun.which("virsh");
    if (!real) throw new Error("virsh is not on PATH");
    // The rule file holds an extended regex matched against " <argv> "; while it
    // exists, a matching call records its PID and waits.
    writeFileSync(
      join(this.dir, "virsh"),
      `#!/bin/sh
if [ -e '${this.rule}' ] && printf ' %s ' "$*" | grep -Eq -f '${this.rule}'; then
  echo $$ > '${this.held}'
  while [ -e '${this.rule}' ]; do sleep 0.1; done
fi
exec '${real}' "$@"
`,
      { mode: 0o755 },
    );
  }

  /** Hold the next call whose argv matches `pattern` (an extended regex). */
  arm(pattern: string): void {
    rmSync(this.held, { force: true });
    writeFileSync(this.rule, `${pattern}\n`);
  }

  isHolding(): boolean {
    return existsSync(this.held);
  }

  /** Let a held call go on (if its shell is still alive) and wait until it is done. */
  async release(): Promise<void> {
    const pid = this.isHolding() ? Number(readFileSync(this.held, "utf8")) : 0;
    rmSync(this.rule, { force: true });
    if (pid > 0) await until(`the held virsh (PID ${pid}) to finish`, () => !alive(pid));
    rmSync(this.held, { force: true });
  }
}
