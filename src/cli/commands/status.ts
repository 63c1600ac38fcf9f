import { defineCommand } from "citty";
import { status, type VmStatus } from "../../vm/status";
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
    lines.push(
      `  forward    ${f.bind}:${f.host} → guest ${f.guest} (${f.listening ? "listening" : "not listening"})`,
    );
  }
  if (s.volumes.length) lines.push(`  volumes    ${s.volumes.join(", ")}`);
  lines.push(`  provisioned ${s.provisioned ? "yes" : "no"}`);
  return lines.join("\n");
}

export default defineCommand({
  meta: { name: "status", description: "Show the VM's state, addresses, disks and provisioning" },
  args: { ...globalArgs, ...connectArg, ...jsonArg },
  async run({ args }) {
    const s = await status(await loadFromArgs(args), { connect: args.connect });
    if (args.json) printJson(s);
    else printData(text(s));
    return 0;
  },
});
