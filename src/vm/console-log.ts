/**
 * The serial console log. Under a system or remote libvirt it is a volume of
 * the `rum-logs` pool that virtlogd appends to: rum creates it empty before
 * the first start and reads it with `vol-download`, which works for a
 * libvirt-group user (the file itself is root's, 0600) and across qemu+ssh.
 * A session guest's log is a plain file of the user's.
 */
import { mkdtemp, open, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "pathe";
import { RumError } from "../errors";
import { type PoolSurvey, surveyedVolume } from "../host/host-survey";
import { ensurePool, LOG_POOL, LOG_POOL_DIR } from "../host/pool";
import type { Vm } from "./context";

const isSession = (vm: Vm) => vm.virsh.uri.endsWith("/session");
const volume = (vm: Vm) => `${vm.domain}-serial.log`;

/** Where the domain's <serial><log file=…> points. */
export function serialLogPath(vm: Vm): string {
  return isSession(vm) ? join(vm.logDir, "console.log") : join(LOG_POOL_DIR, volume(vm));
}

/** The pools `rum up` writes a console log into (none under qemu:///session). */
export function consoleLogPools(vm: Vm): string[] {
  return isSession(vm) ? [] : [LOG_POOL];
}

/** Before the domain is defined: the pool and the (empty) log volume exist. */
export async function ensureConsoleLog(vm: Vm, known?: PoolSurvey): Promise<void> {
  if (isSession(vm)) return;
  await ensurePool(vm.virsh, LOG_POOL, known);
  const exists = async () =>
    (await vm.virsh.lookup(["vol-info", "--pool", LOG_POOL, volume(vm)])) !== null;
  if (!(await (known ? surveyedVolume(known, volume(vm), exists) : exists()))) {
    await vm.virsh.run(["vol-create-as", LOG_POOL, volume(vm), "0", "--format", "raw"]);
  }
}

/** The log from byte `offset` on ("" when nothing new). */
export async function readConsoleLog(vm: Vm, offset = 0): Promise<string> {
  if (isSession(vm)) return readLocal(serialLogPath(vm), offset);
  // Into a file of ours, not /dev/stdout: Bun's child stdio are sockets, which cannot be opened by path.
  const dir = await mkdtemp(join(tmpdir(), "rum-console-"));
  const tmp = join(dir, "console.log");
  const args = ["vol-download", "--pool", LOG_POOL, "--offset", String(offset), volume(vm), tmp];
  try {
    if ((await vm.virsh.lookup(args)) === null) {
      throw new RumError(`VM ${vm.loaded.name} has no console log yet`, {
        hint: "it is made by `rum up`, and fills once the VM boots",
      });
    }
    return await readFile(tmp, "utf8");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function readLocal(path: string, offset: number): Promise<string> {
  const file = await open(path).catch(() => {
    throw new RumError(`no console log at ${path} yet`, {
      hint: "it is made by `rum up`, and fills once the VM boots",
    });
  });
  try {
    const { size } = await file.stat();
    const buf = Buffer.alloc(Math.max(0, size - offset));
    await file.read(buf, 0, buf.length, offset);
    return buf.toString("utf8");
  } finally {
    await file.close();
  }
}

/** Print the log, then whatever is appended, until interrupted. */
export async function followConsoleLog(vm: Vm, write: (text: string) => void): Promise<never> {
  let offset = 0;
  for (;;) {
    const text = await readConsoleLog(vm, offset);
    // Counted from decoded text: exact for UTF-8; a stray invalid byte only repeats a few bytes.
    offset += Buffer.byteLength(text);
    if (text) write(text);
    await Bun.sleep(500);
  }
}

export async function removeConsoleLog(vm: Vm): Promise<void> {
  if (isSession(vm)) return;
  if ((await vm.virsh.lookup(["pool-info", LOG_POOL])) === null) return;
  await vm.virsh.lookup(["vol-delete", "--pool", LOG_POOL, volume(vm)]);
}
