/**
 * `qemu-img info` and the check that a file is a disk image rum can boot:
 * qcow2 or raw, without a backing file. A URL that served an HTML error page
 * or a compressed archive with status 200 is caught here, before libvirt sees it.
 */
import { open } from "node:fs/promises";
import { RumError } from "../errors";
import { ProcessError, run } from "./proc";

export interface ImageInfo {
  format: string;
  virtualSize: number;
  /** Bytes the file takes on disk. */
  actualSize?: number;
  backingFile?: string;
}

export async function imageInfo(path: string): Promise<ImageInfo> {
  let stdout: string;
  try {
    // -U: read even when a running VM holds the image open (it is only read here).
    ({ stdout } = await run(["qemu-img", "info", "--output=json", "-U", path], {
      timeoutMs: 30_000,
    }));
  } catch (e) {
    if (!(e instanceof ProcessError)) throw e;
    throw new RumError(`qemu-img cannot read ${path}: ${e.result.stderr.trim() || e.message}`, {
      hint: "check that the file exists, is readable and is a disk image",
      cause: e,
    });
  }
  const info = JSON.parse(stdout) as {
    format?: string;
    "virtual-size"?: number;
    "actual-size"?: number;
    "backing-filename"?: string;
  };
  return {
    format: info.format ?? "unknown",
    virtualSize: info["virtual-size"] ?? 0,
    ...(info["actual-size"] !== undefined ? { actualSize: info["actual-size"] } : {}),
    ...(info["backing-filename"] ? { backingFile: info["backing-filename"] } : {}),
  };
}

const MIN_IMAGE_BYTES = 1 << 20;
const SNIFF_BYTES = 4096;

const COMPRESSED: [string, number[]][] = [
  ["xz", [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ["gzip", [0x1f, 0x8b]],
  ["zstd", [0x28, 0xb5, 0x2f, 0xfd]],
  ["bzip2", [0x42, 0x5a, 0x68]],
];

/** The image's info, or a RumError saying why the file is not a usable base image. */
export async function checkImageFormat(
  path: string,
): Promise<ImageInfo & { format: "qcow2" | "raw" }> {
  const info = await imageInfo(path);
  const head = await readHead(path);
  if (info.format === "raw") {
    const packed = COMPRESSED.find(([, magic]) => magic.every((b, i) => head[i] === b));
    if (packed) {
      throw new RumError(`${path} is a ${packed[0]}-compressed file, not a disk image`, {
        hint: "point `[image] base` at the uncompressed .qcow2/.img, or decompress it and use the local path",
      });
    }
    if (looksLikeText(head)) {
      const kind = /<(!doctype html|html|head|body)\b/i.test(decode(head)) ? "HTML" : "text";
      const first = decode(head).trim().split("\n")[0]?.slice(0, 60) ?? "";
      throw new RumError(
        `${path} is not a disk image (qemu-img sees format 'raw' with ${kind} content: "${first}")`,
        {
          hint: "the URL probably served an error or download page; check `[image] base` (`rum image search` lists working shorthands)",
        },
      );
    }
  }
  if (info.format !== "qcow2" && info.format !== "raw") {
    throw new RumError(`${path} is a '${info.format}' image; rum uses qcow2 or raw images`, {
      hint: `convert it: qemu-img convert -O qcow2 ${path} image.qcow2`,
    });
  }
  // Virtual size: a fresh qcow2 is a few hundred KiB on disk but describes a whole disk.
  if (info.virtualSize < MIN_IMAGE_BYTES) {
    throw new RumError(`${path} is not a disk image (a ${info.virtualSize}-byte disk)`, {
      hint: "check `[image] base`: the file is far too small to hold an operating system",
    });
  }
  if (info.backingFile) {
    throw new RumError(`${path} depends on a backing file (${info.backingFile})`, {
      hint: `flatten it first: qemu-img convert -O qcow2 ${path} standalone.qcow2`,
    });
  }
  return { ...info, format: info.format };
}

async function readHead(path: string): Promise<Uint8Array> {
  const fh = await open(path, "r");
  try {
    const buf = new Uint8Array(SNIFF_BYTES);
    const { bytesRead } = await fh.read(buf, 0, SNIFF_BYTES, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Text has no NUL bytes and is almost all printable ASCII/UTF-8; a boot sector is neither. */
function looksLikeText(head: Uint8Array): boolean {
  if (head.length === 0 || head.includes(0)) return false;
  let printable = 0;
  for (const b of head) if (b === 9 || b === 10 || b === 13 || (b >= 32 && b !== 127)) printable++;
  return printable / head.length > 0.95;
}

function decode(head: Uint8Array): string {
  return new TextDecoder("utf-8", { fatal: false }).decode(head);
}
