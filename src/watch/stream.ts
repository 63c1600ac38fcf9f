/**
 * One long-lived process (an ssh into the guest) that the watcher talks to for as
 * long as it runs: restarted after it exits (the guest rebooted, the master went
 * away), with a growing pause so a guest that is gone costs nothing.
 */
import type { FileSink, Subprocess } from "bun";
import { note } from "./note";

const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 10_000;

export class GuestStream {
  private child: Subprocess<"pipe", "pipe", "inherit"> | null = null;
  private retryMs = FIRST_RETRY_MS;
  private closed = false;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly name: string,
    private readonly argv: string[],
    private readonly onStdout?: (chunk: string) => void,
    /** Called each time a new process starts (state from the old one is gone). */
    private readonly onStart?: () => void,
  ) {}

  start(): void {
    if (this.closed) return;
    const child = Bun.spawn(this.argv, { stdin: "pipe", stdout: "pipe", stderr: "inherit" });
    this.child = child;
    const startedAt = Date.now();
    this.onStart?.();
    void this.pump(child);
    void child.exited.then((code) => {
      if (this.child === child) this.child = null;
      if (this.closed) return;
      // A process that ran for a while was fine: start over with a short pause.
      if (Date.now() - startedAt > MAX_RETRY_MS) this.retryMs = FIRST_RETRY_MS;
      note(`${this.name}: ssh exited (${code}); again in ${this.retryMs / 1000} s`);
      this.timer = setTimeout(() => this.start(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
    });
  }

  /** Whether it was written: false while the process is being restarted. */
  write(data: string): boolean {
    const stdin = this.child?.stdin as FileSink | undefined;
    if (!stdin) return false;
    try {
      stdin.write(data);
      void stdin.flush();
      return true;
    } catch {
      return false;
    }
  }

  /** Ends the process and any pending restart, so the watcher can exit at once. */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.child?.kill();
  }

  private async pump(child: Subprocess<"pipe", "pipe", "inherit">): Promise<void> {
    const decoder = new TextDecoder();
    for await (const chunk of child.stdout)
      this.onStdout?.(decoder.decode(chunk, { stream: true }));
  }
}
