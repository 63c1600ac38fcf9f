/**
 * One directory hierarchy as it will appear on disc: the ISO 9660 one (with
 * Rock Ridge) or the Joliet one. Both share the file extents; each has its
 * own directory extents and path tables.
 */
import { encodeUcs2, SECTOR } from "./bytes";
import { type DirRecord, directorySize, type PathTableEntry, systemUseRoom } from "./directory";
import { type Namespace, namedChildren } from "./names";
import {
  type ContinuationBlocks,
  erEntry,
  nmEntries,
  pxEntry,
  spEntry,
  tfEntry,
} from "./rockridge";
import { subdirCount, type TreeDir, type TreeFile, type TreeNode } from "./tree";

export interface DirPlan {
  dir: TreeDir;
  /** Path-table identifier (0x00 for the root). */
  id: Uint8Array;
  /** 1-based position in the path table. */
  number: number;
  /** null for the root, whose `..` is itself. */
  parent: DirPlan | null;
  /** `.`, `..`, then the children in ECMA-119 order. */
  records: DirRecord[];
  /** The tree node each record stands for (the parent for `..`). */
  targets: TreeNode[];
  size: number;
  extent: number;
}

const DOT = Uint8Array.of(0);
const DOTDOT = Uint8Array.of(1);
const NO_SYSTEM_USE = new Uint8Array(0);

function encodeId(id: string, ns: Namespace): Uint8Array {
  return ns === "iso" ? new TextEncoder().encode(id) : encodeUcs2(id);
}

function nlink(node: TreeNode): number {
  return node.kind === "dir" ? 2 + subdirCount(node) : 1;
}

function posixEntries(node: TreeNode): Uint8Array[] {
  return [pxEntry(node.mode, nlink(node), node.serial), tfEntry(node.mtime)];
}

/**
 * Plans every directory breadth-first, which is the path-table order
 * (ECMA-119 9.4: by level, then parent number, then identifier).
 */
export function planHierarchy(root: TreeDir, ns: Namespace): DirPlan[] {
  const plans: DirPlan[] = [];
  const queue: { dir: TreeDir; id: Uint8Array; parent: DirPlan | null }[] = [
    { dir: root, id: DOT, parent: null },
  ];
  // The queue grows while it is walked: that is the breadth-first traversal.
  for (const { dir, id, parent } of queue) {
    const number = plans.length + 1;
    const plan: DirPlan = { dir, id, number, parent, records: [], targets: [], size: 0, extent: 0 };
    plans.push(plan);
    const add = (rid: Uint8Array, node: TreeNode): void => {
      plan.records.push({
        id: rid,
        isDir: node.kind === "dir",
        date: node.mtime,
        systemUse: NO_SYSTEM_USE,
        extent: 0,
        size: 0,
      });
      plan.targets.push(node);
    };
    add(DOT, dir);
    add(DOTDOT, parent?.dir ?? dir);
    for (const { node, id: childId } of namedChildren(dir, ns)) {
      const bytes = encodeId(childId, ns);
      add(bytes, node);
      if (node.kind === "dir") queue.push({ dir: node, id: bytes, parent: plan });
    }
    plan.size = directorySize(plan.records);
  }
  return plans;
}

/** Adds Rock Ridge entries to every record of the ISO hierarchy and re-measures directories. */
export function addRockRidge(plans: readonly DirPlan[], continuation: ContinuationBlocks): void {
  for (const plan of plans) {
    plan.records.forEach((record, i) => {
      const node = plan.targets[i];
      if (!node) return;
      let entries = posixEntries(node);
      if (i >= 2) entries.push(...nmEntries(node.name));
      // SUSP 5.3: SP must be the first entry of the root's `.` record; ER may follow anywhere.
      if (i === 0 && plan.parent === null) entries = [spEntry(), ...entries, erEntry()];
      record.systemUse = continuation.systemUse(entries, systemUseRoom(record.id.length));
    });
    plan.size = directorySize(plan.records);
  }
}

export function pathTable(plans: readonly DirPlan[]): PathTableEntry[] {
  return plans.map((p) => ({ id: p.id, extent: p.extent, parent: p.parent?.number ?? 1 }));
}

/** Assigns consecutive extents from `first`; returns the next free block. */
export function placeDirectories(plans: readonly DirPlan[], first: number): number {
  let next = first;
  for (const p of plans) {
    p.extent = next;
    next += p.size / SECTOR;
  }
  return next;
}

/** Fills in every record's extent and size once directories and files are placed. */
export function resolveRecords(plans: readonly DirPlan[], fileExtents: Map<TreeFile, number>) {
  const byDir = new Map<TreeDir, DirPlan>(plans.map((p) => [p.dir, p]));
  for (const p of plans) {
    p.records.forEach((r, i) => {
      const node = p.targets[i];
      const dir = node?.kind === "dir" ? byDir.get(node) : undefined;
      if (dir) {
        r.extent = dir.extent;
        r.size = dir.size;
      } else if (node?.kind === "file") {
        r.extent = fileExtents.get(node) ?? 0;
        r.size = node.data.length;
      }
    });
  }
}
