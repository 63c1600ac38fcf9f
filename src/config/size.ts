/**
 * Sizes as rum.toml writes them: a number and a binary unit, "512M", "20G",
 * "1.5T", "10GiB", "100" (bytes). K/M/G/T always mean 1024-based units,
 * like qemu-img.
 */
import { UsageError } from "../errors";

const UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  k: 2 ** 10,
  m: 2 ** 20,
  g: 2 ** 30,
  t: 2 ** 40,
};
const SIZE = /^([0-9]+(?:\.[0-9]+)?)\s*(?:([kmgt])(i)?(b)?|(b))?$/i;

/** Bytes for a size string, or undefined when it is not one (or too large to count). */
export function sizeBytes(text: string): number | undefined {
  const m = SIZE.exec(text.trim());
  if (!m) return undefined;
  const unit = (m[2] ?? "").toLowerCase();
  const bytes = Math.floor(Number(m[1]) * (UNITS[unit] ?? 1));
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/** Bytes for a size string such as "20G"; a UsageError when it is not one. */
export function parseSize(text: string): number {
  const bytes = sizeBytes(text);
  if (bytes === undefined) {
    throw new UsageError(`invalid size ${JSON.stringify(text.slice(0, 40))}`, {
      hint: "write a size like 512M, 20G or 1T (binary units)",
    });
  }
  return bytes;
}

/** The shortest exact-enough spelling: 21474836480 → "20G", 1610612736 → "1.5G". */
export function formatSize(bytes: number): string {
  for (const unit of ["T", "G", "M", "K"] as const) {
    const scale = UNITS[unit.toLowerCase()] as number;
    if (bytes >= scale) {
      const n = bytes / scale;
      return `${Number.isInteger(n) ? n : Number(n.toFixed(1))}${unit}`;
    }
  }
  return `${bytes}B`;
}
