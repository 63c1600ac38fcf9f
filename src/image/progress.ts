/**
 * Download progress for people: a one-line bar redrawn in place on a terminal;
 * in a log (no TTY) one plain line per phase instead, so CI logs and agents
 * do not get hundreds of carriage-return frames.
 */
import { stderr } from "../log";
import type { DownloadProgress } from "./rate";

export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressRendererOptions {
  /** What is being downloaded, e.g. "debian-12". */
  label: string;
  out?: ProgressOutput;
  /** Force bar (true) or plain lines (false); default: out.isTTY. */
  tty?: boolean;
  /** Print notes through the caller's logger; default: a plain line on `out`. */
  note?: (message: string) => void;
}

export interface ProgressRenderer {
  onProgress(p: DownloadProgress): void;
  onNote(message: string): void;
  /** Clear the bar and (in plain mode) print the summary of the last phase. */
  done(): void;
}

export function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

function formatDuration(s: number): string {
  if (!Number.isFinite(s)) return "?";
  const sec = Math.round(s);
  const m = Math.floor(sec / 60);
  return m >= 60
    ? `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`
    : `${m}:${String(sec % 60).padStart(2, "0")}`;
}

export function createProgressRenderer(opts: ProgressRendererOptions): ProgressRenderer {
  const out = opts.out ?? stderr;
  const tty = opts.tty ?? Boolean(out.isTTY);
  let barShown = false;
  let phase: DownloadProgress["phase"] | undefined;
  let last: DownloadProgress | undefined;
  let phaseStart = performance.now();
  let phaseFrom = 0;

  const clear = () => {
    if (barShown) out.write("\r\x1b[2K");
    barShown = false;
  };
  const summary = () => {
    if (!last || tty) return;
    const secs = (performance.now() - phaseStart) / 1000;
    const moved = last.received - phaseFrom;
    const verb = last.phase === "rehash" ? "checked" : "downloaded";
    const rate = secs > 0 ? ` (${formatBytes(moved / secs)}/s)` : "";
    out.write(`${opts.label}: ${verb} ${formatBytes(moved)} in ${secs.toFixed(1)}s${rate}\n`);
  };

  return {
    onProgress(p) {
      if (p.phase !== phase) {
        summary();
        phase = p.phase;
        phaseStart = performance.now();
        phaseFrom = p.received;
        // The rehash phase is announced by the downloader's own note.
        if (!tty && p.phase === "download") {
          const size = p.total !== undefined ? ` (${formatBytes(p.total)})` : "";
          const from = p.received > 0 ? `, resuming at ${formatBytes(p.received)}` : "";
          out.write(`downloading ${opts.label}${size}${from}\n`);
        }
      }
      last = p;
      if (tty) {
        out.write(`\r\x1b[2K${barLine(opts.label, p, out.columns || 80)}`);
        barShown = true;
      }
    },
    onNote(message) {
      clear();
      if (opts.note) opts.note(message);
      else out.write(`${message}\n`);
    },
    done() {
      clear();
      summary();
      last = undefined;
      phase = undefined;
    },
  };
}

/** Fixed-width fields, so the bar does not jump about as the numbers change. */
function barLine(label: string, p: DownloadProgress, columns: number): string {
  const amount =
    p.total !== undefined
      ? `${formatBytes(p.received)}/${formatBytes(p.total)}`
      : formatBytes(p.received);
  const rate = p.phase === "download" ? `${formatBytes(p.rate)}/s` : "checking";
  const eta = p.eta !== undefined ? `ETA ${formatDuration(p.eta)}` : "";
  const tail = ` ${amount.padStart(21)} ${rate.padStart(12)} ${eta.padEnd(9)}`;
  const name = label.length > 24 ? `…${label.slice(-23)}` : label;
  const room = columns - name.length - tail.length - 9;
  if (p.total === undefined || p.total === 0 || room < 10) {
    return `${name}${tail}`.slice(0, columns - 1);
  }
  const frac = Math.min(1, p.received / p.total);
  const width = Math.min(room, 40);
  const filled = Math.round(frac * width);
  const bar = `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
  return `${name} ${bar} ${String(Math.floor(frac * 100)).padStart(3)}%${tail}`;
}
