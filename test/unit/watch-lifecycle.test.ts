// The watcher process on this host, without a VM: the built rum runs `__watch` with a
// sink command in place of the guest. Its lifecycle is the forwarder's (kept, replaced,
// restarted after a kill, stopped); 10,000 files fit its budget; and when the sink
// really replays into the watched folder (guest path = host path), the replay's own
// echo is not replayed again.
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { randomUUID } from "node:crypto";
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureWatcher, stopWatcher, watcherStatus } from "../../src/watch/lifecycle";
import { GUEST_REPLAY_SCRIPT } from "../../src/watch/replay";
import type { WatchSpec } from "../../src/watch/spec";
import { rumBinary } from "../support/binary";

setDefaultTimeout(60_000);
const root = join(tmpdir(), `rum-watch-${randomUUID()}`);
const rum = [rumBinary()];
const started: string[] = [];
afterAll(async () => {
  for (const dir of started) await stopWatcher(dir);
  rmSync(root, { recursive: true, force: true });
});

const TARGET = {
  host: "192.0.2.1",
  user: "nobody",
  keyPath: "/dev/null",
  knownHostsPath: "/dev/null",
  hostKeyAlias: "none",
  controlPath: "/nonexistent/cp",
};

function bed(name: string, sink: (out: string) => string[], ignore: string[] = []) {
  const stateDir = join(root, name, "state");
  const tree = join(root, name, "tree");
  const out = join(root, name, "sink.bin");
  mkdirSync(stateDir, { recursive: true });
  mkdirSync(tree, { recursive: true });
  const spec: WatchSpec = {
    target: TARGET,
    mounts: [{ host: tree, guest: "/guest", ignore }],
    autoForward: null,
    sink: sink(out),
  };
  started.push(stateDir);
  return { stateDir, tree, out, spec };
}

const catTo = (out: string) => ["sh", "-c", 'exec cat >"$0"', out];
const records = (out: string): string[] =>
  existsSync(out) ? readFileSync(out, "utf8").split("\0").slice(0, -1) : [];

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await Bun.sleep(20);
  expect(check()).toBe(true);
}

function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return Number(fields[11]) + Number(fields[12]);
}

describe("watcher process", () => {
  test("kept when unchanged, restarted after a kill, gone after stop", async () => {
    const b = bed("life", catTo);
    const first = await ensureWatcher({ stateDir: b.stateDir, spec: b.spec, rum });
    expect(first.started).toBe(true);
    expect(first.running).toBe(true);
    const again = await ensureWatcher({ stateDir: b.stateDir, spec: b.spec, rum });
    expect(again.started).toBe(false);
    expect(again.pid).toBe(first.pid as number);

    process.kill(first.pid as number, "SIGKILL");
    await until(
      () =>
        !existsSync(`/proc/${first.pid}/cmdline`) ||
        readFileSync(`/proc/${first.pid}/cmdline`, "utf8") === "",
    );
    expect((await watcherStatus(b.stateDir)).running).toBe(false);
    const revived = await ensureWatcher({ stateDir: b.stateDir, spec: b.spec, rum });
    expect(revived.started).toBe(true);
    expect(revived.running).toBe(true);

    expect(await stopWatcher(b.stateDir)).toBe(true);
    expect((await watcherStatus(b.stateDir)).running).toBe(false);
    expect(existsSync(join(b.stateDir, "watch.json"))).toBe(false);
    expect(readFileSync(join(b.stateDir, "logs", "watch.log"), "utf8")).toContain("stopped");
  });

  test("create, modify, rename, delete of hostile names are replayed; .git and ignore are not", async () => {
    const b = bed("events", catTo, ["*.tmp"]);
    await ensureWatcher({ stateDir: b.stateDir, spec: b.spec, rum });
    await Bun.sleep(300);
    const name = "new\nline $(id) 'q'.txt";
    writeFileSync(join(b.tree, name), "1");
    mkdirSync(join(b.tree, ".git"));
    writeFileSync(join(b.tree, ".git", "index"), "x");
    writeFileSync(join(b.tree, "scratch.tmp"), "x");
    await until(() => records(b.out).includes(`/guest/${name}`));
    appendFileSync(join(b.tree, name), "2");
    renameSync(join(b.tree, name), join(b.tree, "renamed"));
    await until(() => records(b.out).includes("/guest/renamed"));
    rmSync(join(b.tree, "renamed"));
    await until(() => records(b.out).filter((r) => r === "/guest/renamed").length === 2);
    const ops = records(b.out).filter((_, i) => i % 3 === 0);
    const paths = records(b.out).filter((_, i) => i % 3 === 1);
    expect(paths.some((p) => p.includes(".git") || p.endsWith(".tmp"))).toBe(false);
    expect(paths.at(-1)).toBe("/guest/renamed");
    expect(ops.at(-1)).toBe("d");
    expect(ops).toContain("t");
    await stopWatcher(b.stateDir);
  });

  test("the replay's own echo is not replayed again", async () => {
    const b = bed("echo", (out) => [
      "bash",
      "-c",
      'tee -a "$0" | bash -c "$1"',
      out,
      GUEST_REPLAY_SCRIPT,
    ]);
    // Guest path = host path: the sink's touch and mkdir+rmdir happen in the watched tree.
    b.spec.mounts[0] = { host: b.tree, guest: b.tree, ignore: [] };
    writeFileSync(join(b.tree, "kept"), "x");
    await ensureWatcher({ stateDir: b.stateDir, spec: b.spec, rum });
    await Bun.sleep(300);
    writeFileSync(join(b.tree, "kept"), "y");
    writeFileSync(join(b.tree, "doomed"), "x");
    await Bun.sleep(200);
    rmSync(join(b.tree, "doomed"));
    await Bun.sleep(2500);
    const settled = records(b.out).length;
    await Bun.sleep(1500);
    expect(records(b.out).length).toBe(settled);
    // kept: one touch; doomed: a touch (maybe) and one delete; nothing looping.
    expect(settled / 3).toBeLessThanOrEqual(4);
    expect(existsSync(join(b.tree, "doomed"))).toBe(false);
    expect(readFileSync(join(b.tree, "kept"), "utf8")).toBe("y");
    await stopWatcher(b.stateDir);
  });

  test("10,000 files: ≤ 80 MB RSS, idle CPU ≤ 1 % of a core", async () => {
    const b = bed("big", catTo);
    for (let d = 0; d < 100; d++) {
      mkdirSync(join(b.tree, `d${d}`, "sub"), { recursive: true });
      for (let f = 0; f < 50; f++) {
        writeFileSync(join(b.tree, `d${d}`, `f${f}`), "");
        writeFileSync(join(b.tree, `d${d}`, "sub", `g${f}`), "");
      }
    }
    const w = await ensureWatcher({ stateDir: b.stateDir, spec: b.spec, rum });
    const pid = w.pid as number;
    await Bun.sleep(1000);
    const before = cpuTicks(pid);
    await Bun.sleep(5000);
    const idle = (cpuTicks(pid) - before) / 100 / 5;
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]);
    console.log(
      `watcher on 10,000 files: RSS ${(rssKb / 1024).toFixed(1)} MB, idle CPU ${(idle * 100).toFixed(2)} %`,
    );
    expect(rssKb).toBeLessThan(80 * 1024);
    expect(idle).toBeLessThanOrEqual(0.01);
    // A change deep in the tree still arrives.
    writeFileSync(join(b.tree, "d99", "sub", "g49"), "x");
    await until(() => records(b.out).includes("/guest/d99/sub/g49"));
    await stopWatcher(b.stateDir);
  });
});
