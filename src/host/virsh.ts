/**
 * Typed `virsh` calls and their output parsers. Every libvirt operation goes
 * through virsh (not files on disk), so the same code works for a remote
 * `qemu+ssh://` URI.
 */
import { ExitCode, RumError } from "../errors";
import { hostArpTable, readsHostArp } from "./arp";
import { hostFixCommand } from "./fix-hint";
import { ProcessError, type RunOptions, type RunResult, run } from "./proc";
import { isRemoteUri } from "./uri";
import { type BatchAnswer, batchScript, newMarker, scriptSized, splitBatch } from "./virsh-batch";

export type { BatchAnswer } from "./virsh-batch";

export type DomainState =
  | "running"
  | "idle"
  | "paused"
  | "in shutdown"
  | "shut off"
  | "crashed"
  | "pmsuspended";

/** libvirt's messages for "there is no such object": not an error for lookups. */
const NOT_FOUND =
  /failed to get (domain|network|pool|vol)|Domain not found|Network not found|Storage pool not found|Storage volume not found|no storage vol with matching/i;
/** The daemon is there but will not let this user in (polkit without D-Bus, socket modes, no group). */
const DENIED =
  /Unable to get system bus connection|authentication unavailable|authentication failed|polkit|Failed to connect socket[^\n]*Permission denied/i;
/** The URI itself is wrong: no daemon to start, the URI to correct. */
const BAD_URI =
  /unexpected \S+ URI path|no connection driver available|Unable to parse URI|invalid URI/i;
const UNREACHABLE =
  /failed to connect to the hypervisor|Failed to connect socket|no connection driver available|Cannot recv data|End of file while reading data/i;

export class Virsh {
  constructor(readonly uri: string) {}

  /** Run `virsh -c URI ARGS…`; libvirt connection failures become one clear error. */
  async run(args: string[], opts: RunOptions = {}): Promise<string> {
    try {
      const r = await run(["virsh", "-q", "-c", this.uri, ...args], opts);
      return r.stdout;
    } catch (e) {
      throw this.explain(e);
    }
  }

  /** Like run, but a "not found" answer yields null. */
  async lookup(args: string[]): Promise<string | null> {
    try {
      return await this.run(args);
    } catch (e) {
      if (e instanceof ProcessError && NOT_FOUND.test(e.result.stderr)) return null;
      throw e;
    }
  }

  /**
   * Run several commands in one virsh process (see virsh-batch.ts). A command
   * that fails is an answer with ok = false, read with `found`; a connection
   * that fails fails the whole batch, explained as `run` explains it.
   */
  async batch(commands: string[][]): Promise<BatchAnswer[]> {
    const answers: BatchAnswer[] = [];
    for (const part of scriptSized(commands)) answers.push(...(await this.batchOnce(part)));
    return answers;
  }

  private async batchOnce(commands: string[][]): Promise<BatchAnswer[]> {
    const marker = newMarker();
    const argv = ["virsh", "-q", "-c", this.uri, batchScript(commands, marker)];
    const result = await run(argv, { allowFailure: true });
    const answers = splitBatch(commands, marker, result.stdout, result.stderr);
    if (answers) return answers;
    throw this.explain(new ProcessError({ ...result, exitCode: result.exitCode || 1 }));
  }

  /** A batch answer's output; null for "not found"; any other failure throws like `run`. */
  found(answer: BatchAnswer): string | null {
    if (answer.ok) return answer.stdout;
    if (NOT_FOUND.test(answer.stderr)) return null;
    const result: RunResult = {
      argv: ["virsh", "-q", "-c", this.uri, ...answer.args],
      exitCode: 1,
      signal: null,
      stdout: answer.stdout,
      stderr: answer.stderr,
      timedOut: false,
    };
    throw this.explain(new ProcessError(result));
  }

  explain(e: unknown): unknown {
    if (!(e instanceof ProcessError)) return e;
    const stderr = e.result.stderr;
    const said = stderr
      .trim()
      .split("\n")
      .filter(Boolean)
      .at(-1)
      ?.replace(/^error: /, "");
    const details = said ? [`virsh said: ${said}`] : [];
    if (BAD_URI.test(stderr)) {
      return new RumError(`libvirt cannot use the URI ${this.uri}: ${said}`, {
        exitCode: ExitCode.usage,
        hint: "check the URI (e.g. qemu:///system, or qemu+ssh://user@host/system) given by --connect, $RUM_LIBVIRT_URI or [advanced] libvirt_uri",
        cause: e,
      });
    }
    if (isRemoteUri(this.uri)) {
      if (!UNREACHABLE.test(stderr) && !DENIED.test(stderr)) return e;
      return new RumError(`libvirt is not reachable at ${this.uri}`, {
        hint: "check that the remote host is up, that `ssh` to it works without a prompt, and that libvirtd runs there",
        details,
        cause: e,
      });
    }
    if (DENIED.test(stderr)) {
      return new RumError(`libvirt at ${this.uri} does not let this user in`, {
        hint: `run \`${hostFixCommand()}\` (it gives the libvirt group access and adds you to it), then log in again`,
        details,
        cause: e,
      });
    }
    if (UNREACHABLE.test(stderr)) {
      return new RumError(`libvirt is not reachable at ${this.uri}`, {
        hint: `run \`${hostFixCommand()}\` (it installs and starts libvirt), then \`rum doctor\` to check`,
        details,
        cause: e,
      });
    }
    return e;
  }

  async domState(name: string): Promise<DomainState | null> {
    const out = await this.lookup(["domstate", name]);
    return out === null ? null : (out.trim() as DomainState);
  }

  async dumpXml(name: string, inactive = false): Promise<string | null> {
    return this.lookup(["dumpxml", ...(inactive ? ["--inactive"] : []), name]);
  }

  /** Names of all domains (running or not). */
  async listDomains(): Promise<string[]> {
    const out = await this.run(["list", "--all", "--name"]);
    return out
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean);
  }

  /** MAC → source network/bridge of a domain's NICs. */
  async domIfList(name: string): Promise<{ mac: string; source: string; type: string }[]> {
    const out = await this.run(["domiflist", name]);
    return out
      .split("\n")
      .map((l) => l.trim().split(/\s+/))
      .filter((f) => f.length >= 5)
      .map(([, type, source, , mac]) => ({
        type: type ?? "",
        source: source ?? "",
        mac: mac ?? "",
      }));
  }

  /**
   * IPv4 leases libvirt's dnsmasq handed to a MAC on a network, newest first.
   * A VM re-created under the same name has the same MAC but a new DHCP client
   * id, so the previous instance's lease (up to an hour left) sits beside the
   * current one; leases run equally long, so the latest expiry is the newest.
   */
  async dhcpLeases(network: string, mac: string): Promise<string[]> {
    const out = await this.lookup(["net-dhcp-leases", network, "--mac", mac]);
    return newestFirst(out ?? "");
  }

  /** Addresses from the host's ARP table (bridged NICs have no libvirt lease). */
  async arpAddresses(name: string): Promise<{ mac: string; ip: string }[]> {
    if (readsHostArp(this.uri)) return hostArpTable();
    const out = await this.lookup(["domifaddr", name, "--source", "arp"]).catch(() => null);
    return parseArp(out ?? "");
  }
}

/** `domifaddr --source arp` rows ("vnet0  mac  ipv4  a.b.c.d/n") as MAC → address. */
export function parseArp(table: string): { mac: string; ip: string }[] {
  return table
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f[2] === "ipv4" && f[3])
    .map((f) => ({ mac: f[1] ?? "", ip: (f[3] ?? "").split("/")[0] ?? "" }));
}

/** `net-dhcp-leases` rows ("YYYY-MM-DD HH:MM:SS  mac  ipv4  a.b.c.d/n …") by expiry, latest first. */
export function newestFirst(table: string): string[] {
  const rows = table
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f[3] === "ipv4" && f[4])
    .map((f) => ({ expiry: `${f[0]} ${f[1]}`, ip: (f[4] as string).split("/")[0] as string }));
  // The timestamp format sorts as text.
  return rows.sort((a, b) => b.expiry.localeCompare(a.expiry)).map((r) => r.ip);
}

/** Pull `a.b.c.d` out of `net-dhcp-leases`/`domifaddr` tables. */
export function parseAddresses(table: string, family: "ipv4" | "ipv6"): string[] {
  const found: string[] = [];
  for (const line of table.split("\n")) {
    const fields = line.trim().split(/\s+/);
    const i = fields.indexOf(family);
    const cidr = i >= 0 ? fields[i + 1] : undefined;
    if (cidr) found.push(cidr.split("/")[0] as string);
  }
  return found;
}
