import { type ArgsDef, defineCommand } from "citty";
import { UsageError } from "../../errors";
import { log } from "../../log";
import { deleteSnapshot, listSnapshots, restoreSnapshot, saveSnapshot } from "../../vm/snapshots";
import { connectArg, globalArgs, jsonArg, yesArg } from "../args";
import { printData, printJson } from "../output";
import { frontSubcommand } from "../subcommand";
import { loadAndRecord, loadFromArgs } from "../vm-args";

const nameArg = {
  name: { type: "positional", description: "Snapshot name", valueHint: "NAME" },
} as const satisfies ArgsDef;

const save = defineCommand({
  meta: {
    name: "save",
    description: "Copy the stopped VM's disks and UEFI variables as NAME (refused while it runs)",
  },
  args: { ...globalArgs, ...connectArg, ...nameArg },
  async run({ args }) {
    const loaded = await loadAndRecord(args);
    const snap = await saveSnapshot(loaded, args.name, args.connect);
    log.success(
      `saved snapshot ${snap.name} of VM ${loaded.name} (${snap.volumes.length} disk(s))`,
    );
  },
});

const list = defineCommand({
  meta: { name: "list", description: "List the VM's snapshots" },
  args: { ...globalArgs, ...connectArg, ...jsonArg },
  async run({ args }) {
    const loaded = await loadFromArgs(args);
    const snaps = await listSnapshots(loaded, args.connect);
    if (args.json) return printJson(snaps);
    if (!snaps.length) return log.info(`VM ${loaded.name} has no snapshots`);
    for (const s of snaps)
      printData(
        `${s.name}  ${s.createdAt.slice(0, 19).replace("T", " ")}  ${s.volumes.length} disk(s)`,
      );
  },
});

const restore = defineCommand({
  meta: {
    name: "restore",
    description: "Put the stopped VM's disks (and provisioning state) back to snapshot NAME",
  },
  args: {
    ...globalArgs,
    ...connectArg,
    ...nameArg,
    ...yesArg,
  },
  async run({ args }) {
    const loaded = await loadAndRecord(args);
    if (!args.yes) {
      if (!(process.stdin.isTTY && process.stderr.isTTY))
        throw new UsageError(`refusing to restore snapshot ${args.name} without confirmation`, {
          hint: "pass --yes (there is no terminal to ask on)",
        });
      const ok = await log.prompt(
        `Replace VM ${loaded.name}'s disks with snapshot ${args.name}? Changes since then are lost.`,
        { type: "confirm", initial: false },
      );
      if (ok !== true) return 1;
    }
    await restoreSnapshot(loaded, args.name, args.connect);
    log.success(`VM ${loaded.name} is back at snapshot ${args.name}; start it with \`rum up\``);
  },
});

const remove = defineCommand({
  meta: { name: "delete", description: "Delete snapshot NAME (the VM's disks stay)" },
  args: { ...globalArgs, ...connectArg, ...nameArg },
  async run({ args }) {
    const loaded = await loadAndRecord(args);
    await deleteSnapshot(loaded, args.name, args.connect);
    log.success(`deleted snapshot ${args.name} of VM ${loaded.name}`);
  },
});

const subCommands = { save, list, restore, delete: remove };

export default defineCommand({
  meta: {
    name: "snapshot",
    description: "Save, list, restore and delete copies of the VM's disks",
  },
  // The union of the sub-commands' flags, for the dispatcher's unknown-flag check.
  args: { ...globalArgs, ...connectArg, ...jsonArg, ...yesArg },
  setup({ rawArgs }) {
    frontSubcommand("snapshot", subCommands, rawArgs);
  },
  subCommands,
});
