/**
 * Stopping and starting the host's libvirt daemon for a fault test, however
 * it was started: by systemd (service and its sockets, which would otherwise
 * start it again on the next connection) or by hand as `libvirtd -d`, as
 * `rum doctor --fix` does where systemd is not PID 1.
 */
import { readFileSync } from "node:fs";
import { URI } from "./harness";
import { until } from "./interrupt-kit";

const UNITS = [
  "libvirtd.service",
  "libvirtd.socket",
  "libvirtd-ro.socket",
  "libvirtd-admin.socket",
];
const underSystemd = () => readFileSync("/proc/1/comm", "utf8").trim() === "systemd";
const answers = () => Bun.spawnSync(["virsh", "-c", URI, "version"]).exitCode === 0;

export async function stopLibvirtd(): Promise<void> {
  if (underSystemd()) Bun.spawnSync(["systemctl", "stop", ...UNITS]);
  else process.kill(Number(readFileSync("/run/libvirtd.pid", "utf8").trim()), "SIGTERM");
  await until("libvirtd to stop", () => !answers(), 60_000);
}

export async function startLibvirtd(): Promise<void> {
  if (answers()) return;
  if (underSystemd()) Bun.spawnSync(["systemctl", "start", ...UNITS.slice(1), UNITS[0] as string]);
  else Bun.spawnSync(["/usr/sbin/libvirtd", "-d"]);
  await until("libvirtd to answer", answers, 60_000);
}
