/**
 * What went wrong with a request, in the user's terms: which failures are
 * worth resuming automatically (Interrupted) and which need the user (RumError).
 */
import { RumError } from "../errors";

/** A retryable failure: the next attempt resumes from what reached the disk. */
export class Interrupted extends Error {
  /** `immediate`: redo the attempt at once, without counting it as a retry. */
  constructor(
    message: string,
    readonly immediate = false,
  ) {
    super(message);
    this.name = "Interrupted";
  }
}

const BASE_HINT = "check `[image] base` in rum.toml (`rum image search` lists the shorthands)";

/** A non-2xx answer: 5xx/408/429 are worth another try, the rest are the user's to fix. */
export function httpError(res: Response, url: string): Error {
  const status = `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ""}`;
  if (res.status >= 500 || res.status === 408 || res.status === 429) {
    return new Interrupted(`the server answered ${status}`);
  }
  if (res.status === 404 || res.status === 410) {
    return new RumError(`image not found (HTTP ${res.status}) at ${url}`, { hint: BASE_HINT });
  }
  if (res.status === 401 || res.status === 403) {
    return new RumError(`access denied (${status}) to ${url}`, {
      hint: `the image must be downloadable without credentials; ${BASE_HINT}`,
    });
  }
  return new RumError(`cannot download ${url} (${status})`, { hint: BASE_HINT });
}

/**
 * A failed fetch() or body read. `cancel` is the user's own signal: when it
 * fired, the failure is a cancellation, not a network problem.
 */
export function networkError(e: unknown, url: string, cancel?: AbortSignal): Error {
  if (cancel?.aborted) {
    return new RumError(`download cancelled: ${url}`, {
      hint: "run the same command again to resume; the partial download is kept",
      cause: e,
    });
  }
  const code = (e as { code?: string }).code ?? "";
  const host = hostOf(url);
  if (code === "ENOTFOUND" || code === "EAI_NONAME") {
    return new RumError(`cannot resolve the host ${host} (DNS lookup failed) for ${url}`, {
      hint: "check the network connection and DNS, and the host name in `[image] base`",
      cause: e,
    });
  }
  if (code === "ECONNREFUSED") {
    return new RumError(`connection refused by ${host} for ${url}`, {
      hint: "check the URL's host and port, and any proxy or firewall between here and it",
      cause: e,
    });
  }
  if (code === "CERT_HAS_EXPIRED" || code.startsWith("UNABLE_TO_") || code.includes("CERT")) {
    return new RumError(`TLS certificate problem with ${host}: ${(e as Error).message}`, {
      hint: "check the system clock and CA certificates; rum never disables certificate checks",
      cause: e,
    });
  }
  return new Interrupted(`network error (${code || (e as Error).message})`);
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
