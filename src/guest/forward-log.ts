/**
 * forwards.log: the forwarder's own stderr, after a line from rum per start. When a
 * start fails, what ssh wrote since that line becomes the error the user sees.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { mkdir, readFile, stat } from "node:fs/promises";
import { dirname } from "pathe";
import { RumError } from "../errors";
import { stderrTail } from "../host/proc";
import { bindAddress, formatListen, type PortForward } from "./forward-argv";

/** Past this size the log starts over: only the latest starts matter. */
const MAX_LOG_BYTES = 256 * 1024;

/** Opens the log for the forwarder's stdout/stderr; returns the fd and where this start begins. */
export async function openForwardsLog(
  path: string,
  ports: readonly PortForward[],
): Promise<{ fd: number; offset: number }> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const size = await stat(path).then(
    (s) => s.size,
    () => 0,
  );
  const fd = openSync(path, size > MAX_LOG_BYTES ? "w" : "a", 0o600);
  const offset = size > MAX_LOG_BYTES ? 0 : size;
  const list = ports.map((p) => `${formatListen(p)} -> guest ${p.guest}`).join(", ");
  const header = `--- ${new Date().toISOString()} rum starts forwards: ${list}\n`;
  try {
    writeSync(fd, header);
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  return { fd, offset };
}

/** What this start wrote after rum's header line. */
export async function logSince(path: string, offset: number): Promise<string> {
  const text = await readFile(path, "utf8").catch(() => "");
  // ssh ends its log lines with \r\n.
  return text.slice(offset).replaceAll("\r", "").split("\n").slice(1).join("\n").trim();
}

/**
 * The error for a forwarder that did not come up: the port ssh could not listen on
 * when its log names one, else every port with ssh's own words.
 */
export function forwardFailure(
  ports: readonly PortForward[],
  log: string,
  logPath: string,
  why: string,
): RumError {
  const tail = stderrTail(log, 8);
  const details = tail ? tail.split("\n") : [];
  // OpenSSH: "bind [127.0.0.1]:8080: Address already in use"
  const bind = /bind \[?([^\]\s]+?)\]?:(\d+): (.+)/.exec(log);
  const failed = bind && ports.find((p) => p.host === Number(bind[2]));
  if (bind && failed) {
    return new RumError(
      `port ${failed.host} on ${bindAddress(failed.bind)} could not be forwarded: ${bind[3]}`,
      {
        hint: "change [[ports]] host in rum.toml or stop the program using it",
        details,
      },
    );
  }
  const which = ports.map((p) => formatListen(p)).join(", ");
  const plural = ports.length === 1 ? "port" : "ports";
  return new RumError(`${plural} ${which} could not be forwarded: ${why}`, {
    hint: `see ${logPath}`,
    details,
  });
}
