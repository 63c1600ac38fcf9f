/**
 * The watcher process (`rum __watch <stateDir>`, started detached by ensureWatcher):
 * replays host file changes of `inotify = true` mounts in the guest and forwards the
 * guest's listeners, over two long-lived ssh sessions on the VM's master. It runs
 * until SIGTERM (`rum down`/`destroy`, or a new config replacing it).
 */
import { writeFile } from "node:fs/promises";
import { sshArgv } from "../guest/ssh-argv";
import { AutoForwarder } from "./auto-forward";
import { GUEST_LISTENER_LOOP, snapshotReader } from "./listeners";
import { watchMount } from "./mount-watch";
import { note } from "./note";
import { GUEST_REPLAY_SCRIPT } from "./replay";
import { readSpec, readyPath, type WatchSpec } from "./spec";
import { GuestStream } from "./stream";

/** A guest command over the master; as root, so the replay may touch any file of the mount. */
function guestArgv(spec: WatchSpec, script: string): string[] {
  return sshArgv(
    { ...spec.target, sshCommand: "ssh" },
    { command: ["sudo", "-n", "bash", "-c", script], batch: true },
  );
}

export async function runWatcher(stateDir: string): Promise<number> {
  // Handlers first: a stop that comes while the watcher starts still cleans up.
  const stopped = new Promise((resolve) => {
    for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) process.on(signal, resolve);
  });
  const spec = await readSpec(stateDir);
  const stops: (() => void | Promise<void>)[] = [];
  if (spec.mounts.length > 0) {
    const replay = new GuestStream("replay", spec.sink ?? guestArgv(spec, GUEST_REPLAY_SCRIPT));
    replay.start();
    for (const mount of spec.mounts) stops.push(watchMount(mount, replay));
    stops.push(() => replay.close());
    note(`replaying changes of ${spec.mounts.map((m) => `${m.host} → ${m.guest}`).join(", ")}`);
  }
  if (spec.autoForward) {
    const auto = new AutoForwarder(stateDir, spec.target, spec.autoForward.exclude);
    await auto.restore();
    const loop = guestArgv(spec, GUEST_LISTENER_LOOP);
    const listeners = new GuestStream(
      "listeners",
      loop,
      snapshotReader((text) => auto.onSnapshot(text)),
      () => auto.reset(),
    );
    listeners.start();
    stops.push(
      () => listeners.close(),
      () => auto.stop(),
    );
    note("forwarding guest listeners (auto_forward)");
  }
  await writeFile(readyPath(stateDir), `${process.pid}\n`, { mode: 0o600 });
  await stopped;
  for (const stop of stops) await stop();
  note("stopped");
  return 0;
}
