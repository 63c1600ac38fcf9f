/**
 * `rum skill`: a Markdown reference written for AI coding agents. The command
 * table and the rum.toml tables are generated from the command registry and
 * the config schema, so this page cannot drift from what rum accepts.
 */
import { type CommandInfo, type FlagInfo, usage } from "./commands";
import { EXIT_CODES } from "./exit-codes";
import { type SchemaNode, schemaSections } from "./schema-table";

export interface SkillInput {
  version: string;
  commands: CommandInfo[];
  /** Flags every command accepts (-c, -v, -q): listed once, not per command. */
  globalFlags: FlagInfo[];
  schema: SchemaNode;
}

const cell = (s: string) => s.replaceAll("|", "\\|").replaceAll("\n", " ");
const code = (s: string) => (s ? `\`${s}\`` : "");

export function flagUsage(f: FlagInfo): string {
  const names = [
    ...f.aliases.map((a) => (a.length === 1 ? `-${a}` : `--${a}`)),
    `--${f.name}`,
  ].join(", ");
  if (f.type === "boolean") return names;
  return `${names} ${f.choices ? f.choices.join("|") : (f.valueHint ?? "VALUE")}`;
}

function commandRows(cmds: CommandInfo[], globals: Set<string>, path: string[] = []): string[] {
  return cmds.flatMap((c) => {
    const own = c.flags.filter((f) => !globals.has(f.name));
    const flags = own.map((f) => code(flagUsage(f))).join(", ");
    const row = `| ${cell(code(usage([...path, c.name], c)))} | ${cell(flags)} | ${cell(c.description)} |`;
    return [row, ...commandRows(c.subcommands, globals, [...path, c.name])];
  });
}

function commandsSection(input: SkillInput): string[] {
  const globals = new Set(input.globalFlags.map((f) => f.name));
  return [
    "## Commands",
    "",
    "| command | flags | what it does |",
    "|---|---|---|",
    ...commandRows(input.commands, globals),
    "",
    "Every command also accepts:",
    "",
    ...input.globalFlags.map((f) => `- ${code(flagUsage(f))}: ${f.description}`),
    "- `-h, --help`: the command's usage",
    "",
    "Global flags may stand before or after the command (`rum -c dev.rum.toml up -d`). Unknown flags are errors.",
  ];
}

function configSection(schema: SchemaNode): string[] {
  const lines = [
    "## rum.toml reference",
    "",
    "Unknown keys are errors. `required` keys have no default; an empty default means the key is optional and unset.",
  ];
  for (const s of schemaSections(schema)) {
    lines.push("", `### ${s.header ? code(s.header) : "Top-level keys"}`, "");
    if (s.description) lines.push(s.description, "");
    lines.push("| key | type | default | description |", "|---|---|---|---|");
    for (const r of s.rows) {
      const dflt = r.default === "required" ? "**required**" : code(r.default);
      lines.push(`| ${code(r.path)} | ${cell(r.type)} | ${cell(dflt)} | ${cell(r.description)} |`);
    }
  }
  return lines;
}

export function renderSkill(input: SkillInput): string {
  return [
    `# rum ${input.version}: a guide for AI coding agents`,
    "",
    "rum turns a declarative `rum.toml` into one running KVM virtual machine on a Linux host, through libvirt.",
    "It downloads and caches a cloud image, builds a copy-on-write disk, writes a cloud-init seed,",
    "boots the VM, waits until SSH and cloud-init are really ready, runs provisioning scripts, and then",
    "gives you `ssh`, `exec`, file copy, logs, shared folders and port forwards. Use it to get a disposable,",
    "reproducible Linux machine for building, testing or running services, isolated from the host.",
    "",
    "## Workflow",
    "",
    "```sh",
    "rum init --defaults          # write a commented rum.toml (never overwrites without --force)",
    "$EDITOR rum.toml             # set [image] base, resources, mounts, provisioning",
    "rum validate                 # check it; prints the resolved config (exit 2 on a config error)",
    "rum up -d                    # create + boot + wait ready + provision; -d: do not attach the console",
    "rum exec -- make test        # run a command in the guest; exits with the command's exit code",
    "rum ssh                      # interactive shell (humans)",
    "rum down                     # shut down, keep the disk",
    "rum destroy --yes            # delete the VM and its disks",
    "```",
    "",
    "`rum up` is idempotent: run it again after editing rum.toml. `rum doctor` checks the host (for the rum.toml at hand) when anything fails;",
    "`sudo rum doctor --fix` installs and configures what it lacks (`--dry-run` shows the commands first, `--yes` skips the question).",
    "",
    ...commandsSection(input),
    "",
    ...configSection(input.schema),
    "",
    ...exampleSection(),
    "",
    ...conventionsSection(),
    "",
  ].join("\n");
}

function exampleSection(): string[] {
  return [
    "## Example rum.toml",
    "",
    "```toml",
    'name = "dev"',
    "",
    "[image]",
    'base = "ubuntu-24.04"',
    "",
    "[resources]",
    "cpus = 4",
    "memory_mb = 4096",
    'disk = "40G"',
    "",
    "[[mounts]]",
    'source = "."        # the folder holding rum.toml',
    'target = "/work"',
    "default = true      # ssh/exec start here",
    "",
    "[provision.system]",
    'script = """',
    "apt-get update && apt-get install -y build-essential",
    '"""',
    "",
    "[[ports]]",
    "host = 8080",
    "guest = 80",
    "```",
  ];
}

function conventionsSection(): string[] {
  return [
    "## Exit codes",
    "",
    "| code | meaning |",
    "|---|---|",
    ...EXIT_CODES.map((e) => `| ${e.code} | ${cell(e.meaning)} |`),
    "",
    "## JSON output",
    "",
    "Commands that print data accept `--json` and then print exactly one JSON document on stdout.",
    "Logs, progress and errors always go to stderr, so `rum status --json | jq .` is safe.",
    "Errors are `error: MESSAGE` plus `hint: FIX` lines on stderr, with the exit codes above;",
    'with `--json` a failure is also one document on stdout: `{"ok": false, "error": {"message", "hint", "exitCode"}}`.',
    "",
    "`rum up --json` and `rum restart --json` print JSON Lines instead, one event per line as it happens (parse each line on its own):",
    '`{"event":"phase-start","phase":P,"elapsedMs":N}`, `{"event":"phase-end","phase":P,"ok":true,"durationMs":N,...}` (details such as `address`),',
    "for the phases `config`, `preflight`, `inspect`, `keys`, `seed`, `image`, `storage` (with `survey`, `pool`, `base-volume`, `volumes`, `seed-volume` inside), `network`, `define`, `start`,",
    "`address`, `ssh-port`, `ssh-login`, `provision-system`, `cloud-init`, `provision-boot`, `forwards`, `watcher` (a running VM: `ssh-check`; `restart`: `down`).",
    'The last line is `{"event":"result","ok":true,"name","domain","address","unchanged","ssh":{"host","port","user","keyPath",...},"totalMs"}`',
    'or `{"event":"error","ok":false,"message","hint","exitCode"}`; rum then exits with that code.',
    "",
    "## Tips for agents",
    "",
    "- Always start VMs with `rum up -d`: without `-d` rum attaches the serial console on a TTY.",
    "- Never rely on prompts: rum asks only on a TTY; pass `--defaults`, `--yes`, `--force` explicitly.",
    "- Parse `--json` output instead of scraping text; check `rum status --json` for state, addresses and readiness.",
    "- Run guest commands with `rum exec -- CMD ARGS...` (not `rum ssh`): output streams and the exit code is the command's; 125 means rum could not run it.",
    "- When something fails, read `rum log` (console, provisioning and rum's own log; `rum log --failed` for the failed step).",
    "- Run `rum validate` after editing rum.toml: it names the bad key path and line.",
    "- Prefer `[provision.system]` scripts; use `[cloud_init] user_data` only for what needs cloud-init (write_files, packages, bootcmd): it is merged with rum's, and keys rum relies on (users, ssh_keys, hostname, network) are refused.",
    "- Use `-c FILE` (e.g. `dev.rum.toml`) to keep several VMs in one folder.",
    "- A dev server in the guest that reloads on file changes needs `inotify = true` on its `[[mounts]]` entry; `[network] auto_forward = true` makes whatever it listens on reachable at the same port on the host's 127.0.0.1.",
  ];
}
