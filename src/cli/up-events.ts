/**
 * `rum up --json` and `rum restart --json`: the core's phase events (src/events.ts)
 * as JSON Lines on stdout, closed by one `result` line; a failure's `error`
 * line is cli/report.ts's. The human step lines stay on stderr, unchanged.
 */
import type { LoadedConfig } from "../config/load";
import { emit, phase, streamEvents } from "../events";
import type { UpResult } from "../vm/up";
import { writeData } from "./output";
import { loadAndRecord } from "./vm-args";

let began = 0;

/** From here on every phase is a line on stdout. */
export function startUpEvents(): void {
  began = performance.now();
  streamEvents(writeData);
}

/** The config, loaded as phase `config` (a bad rum.toml is then a failed phase and an error line). */
export function loadAsPhase(args: { config?: string }): Promise<LoadedConfig> {
  return phase(
    "config",
    () => loadAndRecord(args),
    (l) => ({ name: l.name, path: l.path }),
  );
}

/** The last line of a successful run: where the guest is and how to log in. */
export function emitResult(loaded: LoadedConfig, result: UpResult): void {
  const ssh = result.ssh;
  emit("result", {
    ok: true,
    name: loaded.name,
    domain: result.vm.domain,
    address: result.address,
    unchanged: result.unchanged,
    ssh: ssh
      ? {
          host: ssh.host,
          port: ssh.port ?? 22,
          user: ssh.user,
          keyPath: ssh.keyPath,
          knownHostsPath: ssh.knownHostsPath,
          hostKeyAlias: ssh.hostKeyAlias,
          ...(ssh.proxyJump ? { proxyJump: ssh.proxyJump } : {}),
        }
      : null,
    totalMs: Math.round(performance.now() - began),
  });
}
