/**
 * A long-lived command (here `rum exec -- …` over the VM's SSH master) whose
 * output lines are stamped on arrival with the host's clock: the guest's
 * inotifywait and listeners report through it, so every latency is measured
 * on one clock, the host's, from the host's action to the line's arrival.
 */
import type { RunOptions } from "./proc";

export type Line = { at: number; line: string; err: boolean };

/** The host's clock for every latency here, ms (monotonic). */
export const now = () => performance.now();

export class LineStream {
  readonly lines: Line[] = [];
  private readonly child: ReturnType<typeof Bun.spawn>;
  readonly exited: Promise<number>;

  constructor(argv: string[], opts: RunOptions & { stdin?: "pipe" | "ignore" } = {}) {
    this.child = Bun.spawn(argv, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdin: opts.stdin ?? "ignore",
      stdout: "pipe",
      stderr: "pipe",
    });
    void this.read(this.child.stdout as ReadableStream<Uint8Array>, false);
    void this.read(this.child.stderr as ReadableStream<Uint8Array>, true);
    this.exited = this.child.exited;
  }

  private async read(stream: ReadableStream<Uint8Array>, err: boolean): Promise<void> {
    const decoder = new TextDecoder();
    let rest = "";
    for await (const chunk of stream) {
      const at = now();
      rest += decoder.decode(chunk, { stream: true });
      const parts = rest.split("\n");
      rest = parts.pop() ?? "";
      for (const line of parts) this.lines.push({ at, line, err });
    }
  }

  /** The first line since `since` (host ms) that `match` accepts, once it arrives. */
  async waitFor(
    match: (l: Line) => boolean,
    since: number,
    timeoutMs: number,
    what: string,
  ): Promise<Line> {
    const deadline = now() + timeoutMs;
    for (;;) {
      const hit = this.lines.find((l) => l.at >= since && match(l));
      if (hit) return hit;
      if (now() > deadline)
        throw new Error(
          `timed out after ${timeoutMs} ms waiting for ${what}; last lines: ${this.lines
            .slice(-5)
            .map((l) => l.line)
            .join(" | ")}`,
        );
      await Bun.sleep(2);
    }
  }

  /**
   * Closes stdin, so a guest program reading it ends by itself, and waits a
   * little for that; without stdin (or past the wait) stops the local process.
   */
  async stop(): Promise<void> {
    const sink = this.child.stdin as import("bun").FileSink | undefined;
    try {
      sink?.end();
    } catch {}
    const waitMs = sink ? 3000 : 0;
    const done = await Promise.race([this.exited, Bun.sleep(waitMs).then(() => null)]);
    if (done === null) this.child.kill();
    await this.exited;
  }
}
