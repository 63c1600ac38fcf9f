/**
 * Part (c): `[network] auto_forward`. A web server starts in the guest under a
 * streaming `rum exec` and prints "listening" right after it bound the port;
 * from that line's arrival the host asks 127.0.0.1:PORT until it answers HTTP
 * 200. Closing the exec's stdin ends the server; the forward must be gone
 * before the next round, so rounds do not overlap.
 */
import { createServer } from "node:net";
import { LineStream, now } from "./line-stream";
import type { RunOptions } from "./proc";

export const FORWARD_POLL_MS = 20;

// Binds in the constructor (listen() included), so "listening" follows the listen at once.
const SERVER = `
import http.server, sys, threading
class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a): pass
s = http.server.HTTPServer(("0.0.0.0", int(sys.argv[1])), Quiet)
print("listening", flush=True)
threading.Thread(target=s.serve_forever, daemon=True).start()
sys.stdin.read()
`;

/** A port free on the host now (the guest has nothing on it either: only sshd listens there). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const answers = (port: number) =>
  fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) })
    .then((r) => r.status === 200)
    .catch(() => false);

/** Whether anything accepts a TCP connection on 127.0.0.1:PORT (the forward's own listener). */
const accepts = (port: number) =>
  Bun.connect({ hostname: "127.0.0.1", port, socket: { data() {} } }).then(
    (sock) => {
      sock.end();
      return true;
    },
    () => false,
  );

/** ms from the guest listening to the host's 127.0.0.1:PORT answering; null past `waitMs`. */
export async function timeForward(
  rum: string[],
  p: RunOptions,
  port: number,
  waitMs: number,
): Promise<number | null> {
  const server = new LineStream(
    [...rum, "exec", "--", "python3", "-u", "-c", SERVER, String(port)],
    {
      ...p,
      stdin: "pipe",
    },
  );
  try {
    const t = (await server.waitFor((l) => l.line === "listening", 0, 60_000, "the guest server"))
      .at;
    while (now() - t < waitMs) {
      if (await answers(port)) return now() - t;
      await Bun.sleep(FORWARD_POLL_MS);
    }
    return null;
  } finally {
    await server.stop();
    // The forward goes once the guest's listener loop (1 s) no longer lists the port.
    const end = now() + 15_000;
    while (now() < end && (await accepts(port))) await Bun.sleep(200);
  }
}
