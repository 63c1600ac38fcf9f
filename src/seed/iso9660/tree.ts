/**
 * Turns the flat `IsoFile[]` list given to the writer into a directory tree,
 * validating paths once so the rest of the writer can trust its input.
 */
import { RumError } from "../../errors";

export interface IsoFile {
  /** Slash-separated path inside the image, e.g. `user-data` or `dir/sub/file`. */
  path: string;
  data: Uint8Array;
  /** Permission bits (e.g. 0o644); the file type bits are added by the writer. */
  mode?: number;
  mtime?: Date;
}

export interface TreeFile {
  kind: "file";
  name: string;
  data: Uint8Array;
  mode: number;
  mtime: Date;
  serial: number;
}

export interface TreeDir {
  kind: "dir";
  name: string;
  mode: number;
  mtime: Date;
  serial: number;
  /** Sorted by name so every later pass (and thus the output) is deterministic. */
  children: TreeNode[];
}

export type TreeNode = TreeFile | TreeDir;

const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
/** Linux's Rock Ridge reader drops NM bytes past 253, so longer names would not survive a mount. */
const MAX_NAME_BYTES = 253;
/** Directory records hold 32-bit sizes and rum does not write multi-extent files. */
const MAX_FILE_BYTES = 0xffffffff;

function pathError(path: string, why: string): RumError {
  return new RumError(`cannot put "${path}" into the ISO image: ${why}`, {
    hint: `use relative slash-separated paths of names up to ${MAX_NAME_BYTES} bytes, without empty, '.' or '..' components`,
  });
}

function newDir(name: string, mtime: Date): TreeDir {
  return { kind: "dir", name, mode: S_IFDIR | 0o755, mtime, serial: 0, children: [] };
}

export function buildTree(files: readonly IsoFile[], date: Date): TreeDir {
  const root = newDir("", date);
  const dirs = new Map<string, TreeDir>([["", root]]);
  const taken = new Set<string>();
  const encoder = new TextEncoder();

  for (const file of files) {
    const parts = file.path.split("/");
    for (const part of parts) {
      if (part === "" || part === "." || part === "..") throw pathError(file.path, "bad component");
      if (encoder.encode(part).length > MAX_NAME_BYTES) throw pathError(file.path, "name too long");
      if (part.includes("\0")) throw pathError(file.path, "NUL in name");
    }
    if (file.data.length > MAX_FILE_BYTES) throw pathError(file.path, "file larger than 4 GiB");

    let parent = root;
    let prefix = "";
    for (const part of parts.slice(0, -1)) {
      prefix = prefix === "" ? part : `${prefix}/${part}`;
      if (taken.has(prefix)) throw pathError(file.path, `"${prefix}" is a file`);
      let dir = dirs.get(prefix);
      if (!dir) {
        dir = newDir(part, date);
        dirs.set(prefix, dir);
        parent.children.push(dir);
      }
      parent = dir;
    }
    if (taken.has(file.path) || dirs.has(file.path)) throw pathError(file.path, "duplicate path");
    taken.add(file.path);
    parent.children.push({
      kind: "file",
      name: parts[parts.length - 1] ?? "",
      data: file.data,
      mode: S_IFREG | ((file.mode ?? 0o644) & 0o7777),
      mtime: file.mtime ?? date,
      serial: 0,
    });
  }

  let serial = 0;
  const visit = (dir: TreeDir): void => {
    dir.serial = ++serial;
    dir.children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const child of dir.children) {
      if (child.kind === "dir") visit(child);
      else child.serial = ++serial;
    }
  };
  visit(root);
  return root;
}

/** Files in tree order (depth-first, sorted), which is the order their data is laid out. */
export function filesOf(dir: TreeDir, out: TreeFile[] = []): TreeFile[] {
  for (const child of dir.children) {
    if (child.kind === "dir") filesOf(child, out);
    else out.push(child);
  }
  return out;
}

export function subdirCount(dir: TreeDir): number {
  let n = 0;
  for (const child of dir.children) if (child.kind === "dir") n++;
  return n;
}
