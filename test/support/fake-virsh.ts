#!/usr/bin/env bun
/**
 * A `virsh` that answers like libvirt with one running rum domain, for tests
 * that may not boot a VM. Every process appends its argv (one JSON line) to
 * $FAKE_VIRSH_LOG. It reads a batch (`cmd; echo M; echo --err M; …`) the way
 * the real virsh does and prints what the real one prints (formats copied
 * from virsh 9.0: `-q` tables, `echo` without a newline, `error: …` lines).
 * The domain is $FAKE_VIRSH_DOMAIN; its XML is the file $FAKE_VIRSH_XML;
 * its NICs' DHCP lease is $FAKE_VIRSH_IP; its state is in the file
 * $FAKE_VIRSH_STATE ("running"; `shutdown` makes it "in shutdown" for two
 * more `domstate` answers, then "shut off"; "paused" until `resume`;
 * "paused>running" reads paused once, then running, as libvirtd finishing a
 * cut-short start itself). Storage pools are $FAKE_VIRSH_POOLS
 * ("rum=running,rum-logs=busy,old=inactive"; busy: another upload holds it,
 * so a refresh is refused) and networks $FAKE_VIRSH_NETS ("default=yes");
 * without $FAKE_VIRSH_POOLS every `vol-list` lists the root disk. Like virsh,
 * each command's output is written as soon as it has run.
 */
import { appendFileSync, readFileSync, writeFileSync, writeSync } from "node:fs";

const env = process.env;
const domain = env.FAKE_VIRSH_DOMAIN ?? "";
const argv = process.argv.slice(2);
appendFileSync(env.FAKE_VIRSH_LOG ?? "/dev/null", `${JSON.stringify(argv)}\n`);

// Options before the command: -q, -c URI.
let i = 0;
while (argv[i]?.startsWith("-")) i += argv[i] === "-c" ? 2 : 1;
const rest = argv.slice(i);
// One argument holding `;` is a script; several are one command.
const commands =
  rest.length === 1
    ? (rest[0] ?? "").split(";").map((c) => c.trim().split(/\s+/).filter(Boolean))
    : [rest];

let out = "";
let err = "";
let status = 0;

/** The domain's state now; each answer moves a shutdown one step on. */
function domstate(): string {
  const file = env.FAKE_VIRSH_STATE ?? "";
  const [state, left] = readFileSync(file, "utf8").trim().split(":");
  if (state === "paused>running") {
    writeFileSync(file, "running");
    return "paused";
  }
  if (state !== "in shutdown") return state ?? "running";
  const n = Number(left);
  writeFileSync(file, n > 0 ? `in shutdown:${n - 1}` : "shut off");
  return n > 0 ? "in shutdown" : "shut off";
}

/** "a=x,b=y" as a map. */
function table(text: string | undefined): Map<string, string> {
  return new Map(
    (text ?? "")
      .split(",")
      .filter(Boolean)
      .map((kv) => kv.split("=") as [string, string]),
  );
}
const pools = table(env.FAKE_VIRSH_POOLS);
const nets = table(env.FAKE_VIRSH_NETS);

/** Why a pool command fails ("" when it does not), as virsh 9.0 words it. */
function poolError(verb: string, pool: string): string {
  const state = pools.get(pool);
  if (state === undefined)
    return `error: failed to get pool '${pool}'\nerror: Storage pool not found: no storage pool with matching name '${pool}'\n`;
  if (state === "inactive")
    return `error: Failed to ${verb} pool ${pool}\nerror: Requested operation is not valid: storage pool '${pool}' is not active\n`;
  if (state === "busy" && verb === "refresh")
    return `error: Failed to refresh pool ${pool}\nerror: Requested operation is not valid: pool '${pool}' has asynchronous jobs running.\n`;
  return "";
}

function answer(cmd: string[]): string | null {
  const [verb, ...args] = cmd;
  const positional = args.filter((a) => !a.startsWith("--"));
  const notDomain = () => {
    err += `error: failed to get domain '${positional[0]}'\n`;
    return null;
  };
  switch (verb) {
    case "echo":
      if (args[0] === "--err") err += `error: ${args.slice(1).join(" ")}\n`;
      else return args.join(" ");
      return "";
    case "domstate":
      return positional[0] === domain ? `${domstate()}\n` : notDomain();
    case "shutdown":
      if (positional[0] !== domain) return notDomain();
      writeFileSync(env.FAKE_VIRSH_STATE ?? "", "in shutdown:2");
      return "Domain 'x' is being shutdown\n\n".replace("x", domain);
    case "resume": {
      if (positional[0] !== domain) return notDomain();
      const file = env.FAKE_VIRSH_STATE ?? "";
      if (readFileSync(file, "utf8").trim() !== "paused") {
        err += `error: Failed to resume domain '${domain}'\nerror: Requested operation is not valid: domain is not paused\n`;
        return null;
      }
      writeFileSync(file, "running");
      return `Domain '${domain}' resumed\n\n`;
    }
    case "event":
      // No lifecycle event in a fake: each wait times out (quickly).
      Bun.sleepSync(100);
      return "event loop timed out\nevents received: 0\n";
    case "dumpxml":
      return positional[0] === domain
        ? readFileSync(env.FAKE_VIRSH_XML ?? "", "utf8")
        : notDomain();
    case "net-dhcp-leases": {
      const mac = args[args.indexOf("--mac") + 1];
      return ` 2026-11-30 05:09:58  ${mac}  ipv4  ${env.FAKE_VIRSH_IP}/24  guest  ff:56:50:4d:98:00:02:00:00:ab:11:86:27:e5:1a:ce:33:d1:0d\n`;
    }
    case "domifaddr":
      err +=
        "error: Failed to query for interfaces addresses\nerror: internal error: wrong nlmsg len\n";
      return null;
    case "vol-info": {
      // A root disk at the default [resources] disk (20G); other volumes do not exist.
      const name = positional.at(-1) ?? "";
      if (name !== `${domain}-root.qcow2`) {
        err += `error: failed to get vol '${name}'\nerror: Storage volume not found: no storage vol with matching path '${name}'\n`;
        return null;
      }
      return `Name:           ${name}\nType:           file\nCapacity:       21474836480 bytes\nAllocation:     196608 bytes\n\n`;
    }
    case "vol-list": {
      const pool = args[args.indexOf("--pool") + 1] ?? "";
      const failed = env.FAKE_VIRSH_POOLS === undefined ? "" : poolError("list volumes in", pool);
      if (failed) {
        err += failed;
        return null;
      }
      return ` ${domain}-root.qcow2   /var/lib/libvirt/images/${pool}/${domain}-root.qcow2\n`;
    }
    case "pool-info": {
      const state = pools.get(positional[0] ?? "");
      if (state === undefined) {
        err += poolError("info", positional[0] ?? "");
        return null;
      }
      return `Name:           ${positional[0]}\nState:          ${state === "inactive" ? "inactive" : "running"}\n\n`;
    }
    case "pool-refresh": {
      const failed = poolError("refresh", positional[0] ?? "");
      if (failed) {
        err += failed;
        return null;
      }
      return `Pool ${positional[0]} refreshed\n\n`;
    }
    case "net-info": {
      const active = nets.get(positional[0] ?? "");
      if (active === undefined) {
        err += `error: failed to get network '${positional[0]}'\nerror: Network not found: no network with matching name '${positional[0]}'\n`;
        return null;
      }
      return `Name:           ${positional[0]}\nActive:         ${active}\n\n`;
    }
    default:
      err += `error: fake virsh: unexpected command ${JSON.stringify(cmd)}\n`;
      return null;
  }
}

for (const cmd of commands) {
  if (cmd.length === 0) continue;
  const text = answer(cmd);
  status = text === null ? 1 : 0;
  out += text ?? "";
  // virsh flushes after every command: a reader can act on an answer at once.
  writeSync(1, out);
  writeSync(2, err);
  out = "";
  err = "";
}
process.exit(status);
