/**
 * A guest that feels local, on one real guest: host file changes replayed so the
 * guest's inotify sees them (the watcher survives a kill through `rum status` and
 * ends with `rum down`), guest listeners forwarded automatically (a host port in use
 * is reported, not taken), and [env] plus the host's proxy in exec and provisioning.
 * The image has no inotify-tools: a few lines of python3 (ctypes) watch instead.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "pathe";
import { freePort } from "../support/sshd";
import { Bed, guestToml, RUM, testImage, vmHostReady } from "./harness";

setDefaultTimeout(20 * 60_000);
const ready = vmHostReady();

const INOTIFY = `
import ctypes, os, struct, sys
libc = ctypes.CDLL(None, use_errno=True)
fd = libc.inotify_init()
names = {0x2: "MODIFY", 0x4: "ATTRIB", 0x8: "CLOSE_WRITE", 0x40: "MOVED_FROM",
         0x80: "MOVED_TO", 0x100: "CREATE", 0x200: "DELETE"}
if libc.inotify_add_watch(fd, sys.argv[1].encode(), sum(names)) < 0: sys.exit(1)
print("ready", flush=True)
while True:
    buf = os.read(fd, 65536)
    i = 0
    while i < len(buf):
        _, mask, _, size = struct.unpack_from("iIII", buf, i)
        name = buf[i + 16:i + 16 + size].rstrip(b"\\0").decode()
        i += 16 + size
        print(",".join(v for k, v in names.items() if mask & k), name, flush=True)
`;

const PROXY = "http://proxy.invalid:3128";

describe.skipIf(!ready)("a guest that feels local", () => {
  const bed = new Bed();
  let dir = "";
  let share = "";
  let port = 0;
  let taken = 0;
  const latencies: number[] = [];
  const rum = (...args: string[]) => bed.rum(args, { cwd: dir });
  const guest = async (...cmd: string[]) => (await rum("exec", "--", ...cmd)).stdout.trim();
  const status = async () => JSON.parse((await rum("status", "--json")).stdout);

  /** The guest's inotify events, as lines, from a long-lived `rum exec`. */
  const events: { at: number; line: string }[] = [];
  let watcher: ReturnType<typeof Bun.spawn> | null = null;
  async function watchInGuest(): Promise<void> {
    const child = Bun.spawn([RUM, "exec", "--", "python3", "-u", "-c", INOTIFY, "/mnt/w"], {
      cwd: dir,
      env: bed.env,
      stdin: "ignore",
      stdout: "pipe",
      stderr: "inherit",
    });
    watcher = child;
    void (async () => {
      const decoder = new TextDecoder();
      let rest = "";
      for await (const chunk of child.stdout) {
        rest += decoder.decode(chunk, { stream: true });
        const lines = rest.split("\n");
        rest = lines.pop() ?? "";
        for (const line of lines) events.push({ at: Date.now(), line });
      }
    })();
    await until(() => events.some((e) => e.line === "ready"), 60_000);
  }

  /** Waits for a guest event naming `name` (and one of `kinds`), after `since`; its latency. */
  async function seen(name: string, kinds: string[], since: number): Promise<number> {
    const hit = () =>
      events.find(
        (e) =>
          e.at >= since &&
          e.line.endsWith(` ${name}`) &&
          kinds.some((k) => e.line.split(" ")[0]?.split(",").includes(k)),
      );
    await until(() => hit() !== undefined, 10_000);
    const latency = (hit()?.at ?? 0) - since;
    latencies.push(latency);
    return latency;
  }

  async function until(check: () => boolean, ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (!check() && Date.now() < deadline) await Bun.sleep(25);
    expect(check()).toBe(true);
  }

  const hostListens = (p: number) =>
    Bun.connect({ hostname: "127.0.0.1", port: p, socket: { data() {} } }).then(
      (sock) => {
        sock.end();
        return true;
      },
      () => false,
    );
  const reachable = (p: number) =>
    fetch(`http://127.0.0.1:${p}/`)
      .then((r) => r.status)
      .catch(() => 0);

  beforeAll(async () => {
    const image = await bed.serveImage(testImage());
    port = await freePort();
    taken = await freePort();
    dir = bed.project(
      "local",
      guestToml("local", image, {
        extra: `[[mounts]]
source = "share"
target = "/mnt/w"
default = true
inotify = true
ignore = ["*.tmp"]
[env]
FOO = "bar baz"
[provision.system]
script = "printenv FOO > /var/tmp/prov-foo; printenv http_proxy > /var/tmp/prov-proxy"
`,
      }).replace("[network]\n", '[network]\nauto_forward = true\nproxy = "host"\n'),
    );
    share = join(dir, "share");
    mkdirSync(share);
  });

  afterAll(async () => {
    // The watcher's log and what the guest saw: the first thing to read when a test here fails.
    const log = join(bed.home, "data", "rum");
    const found = Bun.spawnSync(["sh", "-c", `cat "$0"/*/logs/watch.log`, log]).stdout.toString();
    console.log(`--- watch.log\n${found}--- guest events\n${events.map((e) => e.line).join("\n")}`);
    watcher?.kill();
    await rum("destroy", "--yes");
    await bed.cleanup();
    if (latencies.length > 0) console.log(`guest inotify latency (ms): ${latencies.join(", ")}`);
  });

  test("rum up starts the watcher; status shows it", async () => {
    const r = await bed.rum(["up", "-d"], {
      cwd: dir,
      env: { http_proxy: PROXY, no_proxy: "127.0.0.1,localhost" },
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("starting the watcher");
    const s = await status();
    expect(s.watcher.running).toBe(true);
  });

  test("[env] reaches rum exec and provisioning; the host's proxy reaches exec, provisioning and apt", async () => {
    expect(await guest("printenv", "FOO")).toBe("bar baz");
    expect(await guest("cat", "/var/tmp/prov-foo")).toBe("bar baz");
    expect(await guest("printenv", "http_proxy")).toBe(PROXY);
    expect(await guest("printenv", "HTTP_PROXY")).toBe(PROXY);
    expect(await guest("cat", "/var/tmp/prov-proxy")).toBe(PROXY);
    expect(await guest("cat", "/etc/apt/apt.conf.d/90rum-proxy")).toContain(
      `Acquire::http::Proxy "${PROXY}";`,
    );
  });

  test("without proxy = host, the host's proxy is not in the seed", async () => {
    const other = bed.project(
      "noproxy",
      readFileSync(join(dir, "rum.toml"), "utf8")
        .replace('proxy = "host"\n', "")
        .replace('name = "local"', 'name = "noproxy"'),
    );
    mkdirSync(join(other, "share"), { recursive: true });
    const r = await bed.rum(["dump-iso", "out"], { cwd: other, env: { http_proxy: PROXY } });
    expect(r.code).toBe(0);
    const userData = readFileSync(join(other, "out", "user-data"), "utf8");
    expect(userData).toContain("bar baz");
    expect(userData).not.toContain("proxy.invalid");
  });

  test("host changes reach the guest's inotify: create, modify, rename, delete", async () => {
    await watchInGuest();
    let t = Date.now();
    writeFileSync(join(share, "created.txt"), "1");
    await seen("created.txt", ["CLOSE_WRITE", "MODIFY"], t);
    await Bun.sleep(300);
    t = Date.now();
    writeFileSync(join(share, "created.txt"), "12");
    await seen("created.txt", ["CLOSE_WRITE", "MODIFY"], t);
    await Bun.sleep(300);
    t = Date.now();
    renameSync(join(share, "created.txt"), join(share, "renamed.txt"));
    await seen("created.txt", ["DELETE"], t);
    await seen("renamed.txt", ["CLOSE_WRITE", "MODIFY"], t);
    await Bun.sleep(300);
    t = Date.now();
    rmSync(join(share, "renamed.txt"));
    await seen("renamed.txt", ["DELETE"], t);
    // Nothing is left behind by the replay, and an ignored file is not replayed.
    t = Date.now();
    writeFileSync(join(share, "skip.tmp"), "x");
    writeFileSync(join(share, "marker"), "x");
    await seen("marker", ["MODIFY"], t);
    expect(events.some((e) => e.at >= t && e.line.endsWith(" skip.tmp"))).toBe(false);
    expect(await guest("ls", "-A", "/mnt/w")).toBe("marker\nskip.tmp");
  });

  test("a killed watcher is restarted by rum status", async () => {
    const before = (await status()).watcher.pid as number;
    process.kill(before, "SIGKILL");
    await Bun.sleep(200);
    const after = await status();
    expect(after.watcher.running).toBe(true);
    expect(after.watcher.pid).not.toBe(before);
    const t = Date.now();
    writeFileSync(join(share, "after-restart"), "x");
    await seen("after-restart", ["MODIFY"], t);
  });

  /** Starts python's web server on `p` in the guest; returns once the guest listens. */
  async function serveInGuest(p: number): Promise<void> {
    const script = `nohup python3 -m http.server ${p} >/dev/null 2>&1 </dev/null &
until ss -Htln | grep -q ":${p} "; do sleep 0.1; done`;
    expect((await rum("exec", "--", "sh", "-c", script)).code).toBe(0);
  }

  test("a guest listener is forwarded within 2 s and removed when it stops", async () => {
    await serveInGuest(port);
    const t = Date.now();
    while (Date.now() - t < 10_000 && (await reachable(port)) !== 200) await Bun.sleep(50);
    const took = Date.now() - t;
    console.log(`auto_forward: 127.0.0.1:${port} answered ${took} ms after the guest listened`);
    expect(await reachable(port)).toBe(200);
    expect(took).toBeLessThanOrEqual(2000);
    const s = await status();
    expect(s.forwards.ports).toContainEqual(
      expect.objectContaining({ host: port, guest: port, source: "auto", listening: true }),
    );
    expect((await rum("exec", "--", "pkill", "-f", `http.server ${port}`)).code).toBe(0);
    const gone = Date.now();
    const listed = async () =>
      (await status()).forwards.ports.some((p: { host: number }) => p.host === port);
    while (Date.now() - gone < 10_000 && (await listed())) await Bun.sleep(100);
    console.log(`auto_forward: forward removed ${Date.now() - gone} ms after the listener stopped`);
    expect(await listed()).toBe(false);
    expect(await hostListens(port)).toBe(false);
  });

  test("a host port already in use is reported, not taken", async () => {
    const mine = Bun.serve({
      hostname: "127.0.0.1",
      port: taken,
      fetch: () => new Response("host"),
    });
    try {
      await serveInGuest(taken);
      let entry: { note?: string; listening: boolean } | undefined;
      const t = Date.now();
      while (!entry && Date.now() - t < 20_000) {
        entry = (await status()).forwards.ports.find(
          (p: { host: number; source: string }) => p.host === taken && p.source === "auto",
        );
        if (!entry) await Bun.sleep(250);
      }
      expect(entry?.listening).toBe(false);
      expect(entry?.note).toContain("in use");
      expect(await fetch(`http://127.0.0.1:${taken}/`).then((r) => r.text())).toBe("host");
      const log = readFileSync((await status()).watcher.log, "utf8");
      expect(log.split(`guest port ${taken} not forwarded`).length).toBe(2); // once, not per poll
    } finally {
      mine.stop(true);
      await rum("exec", "--", "pkill", "-f", `http.server ${taken}`);
    }
  });

  test("rum down stops the watcher and its forwards", async () => {
    const pid = (await status()).watcher.pid as number;
    expect((await rum("down")).code).toBe(0);
    const alive = existsSync(`/proc/${pid}`) && readFileSync(`/proc/${pid}/cmdline`, "utf8") !== "";
    expect(alive).toBe(false);
    expect((await status()).watcher.running).toBe(false);
    expect(await reachable(port)).toBe(0);
  });
});
