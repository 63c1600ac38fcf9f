import { defineCommand } from "citty";
import { Virsh } from "../../host/virsh";
import { status, type VmStatus } from "../../vm/status";
import { listRumVms } from "../../vm/status-all";
import { connectArg, globalArgs, jsonArg } from "../args";
import { printData, printJson } from "../output";
import { loadFromArgs } from "../vm-args";

function text(s: VmStatus): string {
  const lines = [
    `${s.name}: ${s.state}${s.configChanged ? " (rum.toml changed since it was defined)" : ""}`,
  ];
  lines.push(`  domain     ${s.domain} on ${s.uri}`);
  for (const i of s.interfaces) {
    lines.push(`  nic        ${i.mac} ${i.network ?? i.bridge ?? ""} ${i.ip ?? "(no address)"}`);
  }
  if (s.ssh.address)
    lines.push(`  ssh        ${s.ssh.user}@${s.ssh.address}${s.ssh.master ? " (connected)" : ""}`);
  for (const f of s.forwards.ports) {
    const state = f.note ?? (f.listening ? "listening" : "not listening");
    const auto = f.source === "auto" ? "auto " : "";
    lines.push(`  forward    ${f.bind}:${f.host} → guest ${f.guest} (${auto}${state})`);
  }
  if (s.watcher.running) lines.push(`  watcher    PID ${s.watcher.pid} (log ${s.watcher.log})`);
  if (s.volumes.length) lines.push(`  volumes    ${s.volumes.join(", ")}`);
  for (const snap of s.snapshots)
    lines.push(`  snapshot   ${snap.name} (${snap.createdAt.slice(0, 19).replace("T", " ")})`);
  lines.push(`  provisioned ${s.provisioned ? "yes" : "no"}`);
  return lines.join("\n");
}

/** The libvirt URI for --all: --connect, RUM_LIBVIRT_URI, the config if there is one, else the default. */
async function statusAll(args: {
  config?: string;
  connect?: string;
  json?: boolean;
}): Promise<number> {
  const fromConfig = await loadFromArgs(args).then(
    (l) => l.config.advanced.libvirt_uri,
    () => undefined,
  );
  const uri = args.connect || process.env.RUM_LIBVIRT_URI || fromConfig || "qemu:///system";
  const vms = await listRumVms(new Virsh(uri));
  if (args.json) printJson({ uri, vms });
  else if (vms.length === 0) printData(`no rum VMs on ${uri}`);
  else
    printData(
      vms
        .map((v) => `${v.name.padEnd(20)} ${v.state.padEnd(10)} ${v.domain}  ${v.config}`)
        .join("\n"),
    );
  return 0;
}

export default defineCommand({
  meta: { name: "status", description: "Show the VM's state, addresses, disks and provisioning" },
  args: {
    ...globalArgs,
    ...connectArg,
    ...jsonArg,
    all: { type: "boolean", description: "Every rum VM on the libvirt host, from any project" },
  },
  async run({ args }) {
    if (args.all) return statusAll(args);
    const s = await status(await loadFromArgs(args), { connect: args.connect });
    if (args.json) printJson(s);
    else printData(text(s));
    return 0;
  },
});
