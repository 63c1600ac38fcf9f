/**
 * `[network] auto_forward` on the host side: each listener snapshot from the guest is
 * turned into `ssh -O forward` / `-O cancel` requests on the VM's SSH master, so a
 * forward costs no process of its own. A host port something else holds is never
 * taken over: it is noted once (log and auto-forwards.json, which `rum status` shows)
 * and tried again while the guest keeps listening.
 */

import { sshArgv } from "../guest/ssh-argv";
import type { SshTarget } from "../guest/ssh-target";
import { run } from "../host/proc";
import { writeJsonAtomic } from "../util/atomic-write";
import { diffPorts, parseListeners, wantedPorts } from "./listeners";
import { note } from "./note";
import { type AutoForward, autoForwardsPath, readAutoForwards } from "./spec";

const spec = (port: number) => `127.0.0.1:${port}:127.0.0.1:${port}`;

export class AutoForwarder {
  private readonly ports = new Map<number, AutoForward>();
  private busy: Promise<void> = Promise.resolve();
  private written = "";

  constructor(
    private readonly stateDir: string,
    private readonly target: SshTarget,
    private readonly exclude: readonly number[],
  ) {}

  /** Forwards a previous watcher left on the master are cancelled: this one starts clean. */
  async restore(): Promise<void> {
    for (const f of await readAutoForwards(this.stateDir))
      if (f.forwarded) await this.master("cancel", f.port);
    await this.save();
  }

  /** The listener ssh (re)started: whatever the old one saw is forgotten. */
  reset(): void {
    this.busy = this.busy.then(async () => {
      for (const f of this.ports.values()) if (f.forwarded) await this.master("cancel", f.port);
      this.ports.clear();
      await this.save();
    });
  }

  onSnapshot(text: string): void {
    const wanted = wantedPorts(parseListeners(text), this.exclude);
    this.busy = this.busy.then(() => this.apply(wanted)).catch((e) => note(`auto_forward: ${e}`));
  }

  async stop(): Promise<void> {
    await this.busy;
    for (const f of this.ports.values()) if (f.forwarded) await this.master("cancel", f.port);
    this.ports.clear();
    await this.save();
  }

  private async apply(wanted: Set<number>): Promise<void> {
    const forwarded = new Set(
      [...this.ports.values()].filter((f) => f.forwarded).map((f) => f.port),
    );
    const { add, cancel } = diffPorts(forwarded, wanted);
    for (const port of cancel) {
      await this.master("cancel", port);
      this.ports.delete(port);
      note(`auto_forward: guest port ${port} stopped listening; forward removed`);
    }
    for (const port of [...this.ports.keys()]) if (!wanted.has(port)) this.ports.delete(port);
    for (const port of add) {
      const before = this.ports.get(port);
      const taken = !portFree(port) ? "host port in use by another program" : null;
      const error = taken ?? (await this.master("forward", port));
      if (error === null) {
        this.ports.set(port, { port, forwarded: true });
        note(`auto_forward: 127.0.0.1:${port} → guest ${port}`);
      } else {
        // Once per port: a port that stays taken is retried quietly each snapshot.
        if (!before) note(`auto_forward: guest port ${port} not forwarded: ${error}`);
        this.ports.set(port, { port, forwarded: false, note: error });
      }
    }
    await this.save();
  }

  /** `ssh -O forward|cancel` on the master; the error text, or null when it worked. */
  private async master(op: "forward" | "cancel", port: number): Promise<string | null> {
    const argv = sshArgv(
      { ...this.target, sshCommand: "ssh" },
      {
        batch: true,
        extra: ["-O", op, "-L", spec(port)],
      },
    );
    const r = await run(argv, { allowFailure: true, timeoutMs: 5000 }).catch((e: Error) => ({
      exitCode: 1,
      stderr: e.message,
    }));
    return r.exitCode === 0 ? null : r.stderr.trim() || `ssh -O ${op} failed`;
  }

  private async save(): Promise<void> {
    const list = [...this.ports.values()].sort((a, b) => a.port - b.port);
    const text = JSON.stringify(list);
    if (text === this.written) return;
    this.written = text;
    await writeJsonAtomic(autoForwardsPath(this.stateDir), list);
  }
}

/** Free on the host's loopback: listen for an instant. */
function portFree(port: number): boolean {
  try {
    Bun.listen({ hostname: "127.0.0.1", port, socket: { data() {} } }).stop(true);
    return true;
  } catch {
    return false;
  }
}
