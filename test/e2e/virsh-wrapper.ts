/**
 * A `virsh` placed first on PATH that makes one chosen call interruptible.
 * Two ways, chosen per call:
 * - hold: the call waits *before* the real virsh runs, until released. For
 *   calls that are one short libvirt RPC (vol-create-as, define), which no
 *   signal could otherwise hit.
 * - throttle: the REAL `virsh vol-upload` runs at once, but reads the file
 *   through a pipe fed a chunk at a time, so the upload lasts seconds and a
 *   signal lands while libvirt is writing the volume. The feeder writes
 *   "<bytes handed to virsh> <total>" to a progress file after each chunk.
 * Both record the wrapper's PID, so the test can wait for an orphaned call
 * (after a SIGKILL of rum alone) to end on its own.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "pathe";
import { alive, until } from "./interrupt-kit";

export type WrapMode = { hold: true } | { chunkBytes: number; delayS: number };

export interface UploadProgress {
  sent: number;
  total: number;
}

export class VirshWrapper {
  readonly dir: string;
  /** The real virsh, which the wrapper runs (the argv[0] of its process). */
  readonly real: string;
  private readonly rule: string;
  private readonly mode: string;
  private readonly matched: string;
  private readonly progressFile: string;

  constructor(parent: string) {
    this.dir = join(parent, "virsh-wrap");
    this.rule = join(this.dir, "rule");
    this.mode = join(this.dir, "mode");
    this.matched = join(this.dir, "matched");
    this.progressFile = join(this.dir, "progress");
    mkdirSync(this.dir, { recursive: true });
    const real = Bun.which("virsh");
    if (!real) throw new Error("virsh is not on PATH");
    this.real = real;
    // The rule file holds an extended regex matched against " <argv> ".
    // A throttled call removes the rule, so only that one call is slowed.
    writeFileSync(
      join(this.dir, "virsh"),
      `#!/bin/bash
if [ -e '${this.rule}' ] && printf ' %s ' "$*" | grep -Eq -f '${this.rule}'; then
  echo $$ > '${this.matched}'
  read -r mode chunk delay < '${this.mode}'
  if [ "$mode" = hold ]; then
    while [ -e '${this.rule}' ]; do sleep 0.1; done
  else
    rm -f '${this.rule}'
    file="\${@: -1}"
    total=$(stat -c %s "$file")
    feed() {
      local i=0 sent=0
      while [ "$sent" -lt "$total" ]; do
        dd if="$file" bs="$chunk" skip="$i" count=1 status=none || exit 1
        i=$((i + 1)); sent=$((i * chunk)); [ "$sent" -gt "$total" ] && sent=$total
        echo "$sent $total" > '${this.progressFile}.new' && mv -f '${this.progressFile}.new' '${this.progressFile}'
        sleep "$delay"
      done
    }
    feed | '${real}' "\${@:1:$#-1}" /dev/stdin
    exit "\${PIPESTATUS[1]}"
  fi
fi
exec '${real}' "$@"
`,
      { mode: 0o755 },
    );
  }

  /** Wrap the next call whose argv matches `pattern` (an extended regex). */
  arm(pattern: string, mode: WrapMode): void {
    rmSync(this.matched, { force: true });
    rmSync(this.progressFile, { force: true });
    writeFileSync(
      this.mode,
      "hold" in mode ? "hold 0 0\n" : `throttle ${mode.chunkBytes} ${mode.delayS}\n`,
    );
    writeFileSync(this.rule, `${pattern}\n`);
  }

  /** Whether the armed call has started (held, or uploading). */
  hasMatched(): boolean {
    return existsSync(this.matched);
  }

  /** The throttled upload's progress so far (null before its first chunk). */
  progress(): UploadProgress | null {
    try {
      const [sent, total] = readFileSync(this.progressFile, "utf8").trim().split(" ").map(Number);
      return { sent: sent ?? 0, total: total ?? 0 };
    } catch {
      return null;
    }
  }

  /** Disarm, let a held call go on, and wait until the wrapped call has ended. */
  async release(): Promise<void> {
    const pid = this.hasMatched() ? Number(readFileSync(this.matched, "utf8")) : 0;
    rmSync(this.rule, { force: true });
    if (pid > 0) await until(`the wrapped virsh (PID ${pid}) to finish`, () => !alive(pid));
    rmSync(this.matched, { force: true });
  }
}
