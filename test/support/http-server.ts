/**
 * A local HTTP server for image downloads in tests (unit and e2e): real
 * sockets on 127.0.0.1, Content-Length, Range/206/416, ETag/If-Range, and
 * faults switched on per path.
 *
 *   const srv = await startImageServer({ files: {
 *     "/img/disk.qcow2": "/path/on/disk.qcow2",        // string = a file on disk (streamed)
 *     "/img/SHA256SUMS": utf8(`${hex}  disk.qcow2\n`),  // bytes = served from memory
 *   }});
 *   srv.setFault("/img/disk.qcow2", "drop-after:1000000");
 *   ... fetch `${srv.url}/img/disk.qcow2` ...
 *   srv.requests  // [{ method, path, range?, status }]
 *   await srv.stop();
 *
 * Faults (one per path; `setFault(path, null)` clears it):
 *   "drop-after:N"      send N body bytes, then close the connection although
 *                       Content-Length promised more (curl: "transfer closed")
 *   "slow:BPS"          send at about BPS bytes per second
 *   "404" / "status:N"  answer that status with no image
 *   "ignore-range"      answer Range requests with 200 and the whole file
 * A wrong checksum list is just other content: `setFile(path, utf8("..."))`.
 *
 * Built on node:http (which Bun implements) rather than Bun.serve: Bun.serve
 * sends every streamed body chunked and drops Content-Length, so a truncated
 * transfer could not be told from a complete one, which is the point here.
 */
import { createReadStream } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { etagOf, type ServedContent, sizeOf } from "./http-content";

export {
  type ChecksumEntry,
  checksumList,
  fileDigest,
  type ServedContent,
  utf8,
} from "./http-content";

export type Fault =
  | `drop-after:${number}`
  | `slow:${number}`
  | "404"
  | `status:${number}`
  | "ignore-range";

export interface RecordedRequest {
  method: string;
  path: string;
  /** The Range header as sent, e.g. "bytes=1000-". */
  range?: string;
  status: number;
}

export interface ImageServer {
  /** Base URL without trailing slash, e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  /** Every request answered so far, in order (clear with `requests.length = 0`). */
  requests: RecordedRequest[];
  setFault(path: string, fault: Fault | null): void;
  /** Add or replace a file (bytes, or a path on disk). */
  setFile(path: string, content: ServedContent): void;
  stop(): Promise<void>;
}

export interface ImageServerOptions {
  files: Record<string, ServedContent>;
  faults?: Record<string, Fault>;
}

export async function startImageServer(opts: ImageServerOptions): Promise<ImageServer> {
  const files = new Map(Object.entries(opts.files));
  const faults = new Map<string, Fault>(Object.entries(opts.faults ?? {}));
  const requests: RecordedRequest[] = [];

  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    const range = req.headers.range;
    const status = serve(req, res, files.get(path), faults.get(path));
    requests.push({ method: req.method ?? "GET", path, ...(range ? { range } : {}), status });
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    setFault: (path, fault) => void (fault ? faults.set(path, fault) : faults.delete(path)),
    setFile: (path, content) => void files.set(path, content),
    stop: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

/** Answer one request; returns the status sent. */
function serve(
  req: IncomingMessage,
  res: ServerResponse,
  content: ServedContent | undefined,
  fault: Fault | undefined,
): number {
  if (fault === "404" || fault?.startsWith("status:")) {
    const status = fault === "404" ? 404 : Number(fault.slice(7));
    res.writeHead(status, { "content-type": "text/plain" }).end(`status ${status}\n`);
    return status;
  }
  if (content === undefined) {
    res.writeHead(404, { "content-type": "text/html" }).end("<!DOCTYPE html><h1>Not Found</h1>\n");
    return 404;
  }
  const size = sizeOf(content);
  const etag = etagOf(content);
  const headers: Record<string, string | number> = { "accept-ranges": "bytes", etag };
  let start = 0;
  let status = 200;
  const range = req.headers.range;
  const ifRange = req.headers["if-range"];
  if (range && fault !== "ignore-range" && (!ifRange || ifRange === etag)) {
    const m = /^bytes=(\d+)-$/.exec(range);
    start = m ? Number(m[1]) : size;
    if (start >= size) {
      res.writeHead(416, { "content-range": `bytes */${size}` }).end();
      return 416;
    }
    status = 206;
    headers["content-range"] = `bytes ${start}-${size - 1}/${size}`;
  }
  headers["content-length"] = size - start;
  res.writeHead(status, headers);
  if (req.method === "HEAD") {
    res.end();
    return status;
  }
  const body =
    typeof content === "string"
      ? createReadStream(content, { start, highWaterMark: 1 << 20 })
      : Readable.from([content.subarray(start)]);
  if (!fault || fault === "ignore-range") body.pipe(res);
  else void misbehave(body, res, fault);
  return status;
}

/** Send the body as the fault says: throttled, or cut off after N bytes. */
async function misbehave(body: Readable, res: ServerResponse, fault: Fault): Promise<void> {
  const dropAfter = fault.startsWith("drop-after:")
    ? Number(fault.slice(11))
    : Number.POSITIVE_INFINITY;
  const bps = fault.startsWith("slow:") ? Number(fault.slice(5)) : 0;
  const step = bps > 0 ? Math.max(1, Math.floor(bps / 10)) : Number.POSITIVE_INFINITY;
  let sent = 0;
  for await (const chunk of body as AsyncIterable<Uint8Array>) {
    for (let off = 0; off < chunk.byteLength; ) {
      if (res.destroyed) {
        body.destroy();
        return;
      }
      const n = Math.min(chunk.byteLength - off, dropAfter - sent, step);
      if (n > 0) {
        await new Promise<void>((ok) => res.write(chunk.subarray(off, off + n), () => ok()));
        off += n;
        sent += n;
      }
      if (sent >= dropAfter) {
        body.destroy();
        // Give the bytes time to leave, then close the socket mid-body.
        setTimeout(() => res.socket?.destroy(), 50);
        return;
      }
      if (bps > 0) await Bun.sleep(100);
    }
  }
  res.end();
}
