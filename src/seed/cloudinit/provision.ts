/**
 * Provisioning in the guest: the user's scripts (verbatim), the runner that
 * records their output and exit code where the host looks for them, and the
 * systemd unit that runs the boot script on every boot.
 */

import { ENV_SHELL_FILE } from "./environment";
import {
  BOOT_UNIT_NAME,
  BOOT_UNIT_PATH,
  GUEST_LOG_DIR,
  GUEST_RUN_DIR,
  GUEST_STATE_DIR,
  PROVISION_PATHS,
  PROVISION_RUNNER,
  type ProvisionKind,
  SYSTEM_DONE_MARKER,
} from "./guest-paths";
import type { SeedProvision } from "./input";
import { EMPTY_PART, type GuestFile, type SeedPart, scriptHeader } from "./part";
import { shellQuote, shellWords } from "./quoting";

function kindCase(kind: ProvisionKind, done: string): string {
  const paths = PROVISION_PATHS[kind];
  const vars = [
    `script=${shellQuote(paths.script)}`,
    `log=${shellQuote(paths.log)}`,
    `exit_file=${shellQuote(paths.exit)}`,
    `done_marker=${shellQuote(done)}`,
  ];
  return `  ${kind}) ${vars.join("; ")} ;;`;
}

/**
 * The output goes to the log file itself, not through a pipe: a script that
 * leaves a daemon running in the background would otherwise keep the pipe
 * open and the run would never end.
 */
function runnerScript(withEnv: boolean): string {
  // Only with [env]: a runner without it stays byte-identical, and so does its seed.
  const env = withEnv ? `. ${shellQuote(ENV_SHELL_FILE)}\n` : "";
  return `${scriptHeader("Runs one rum provisioning script: run-provision.sh system|boot [--once]")}
# The script's output goes to its log and its exit code to its exit file
# (written when it ends); the runner exits 0 once the script ran, so neither
# cloud-init nor systemd reports the script's failure as its own.
set -u
case "\${1:-}" in
${kindCase("system", SYSTEM_DONE_MARKER)}
${kindCase("boot", "")}
  *) echo "usage: $0 system|boot [--once]" >&2; exit 2 ;;
esac
if [ "\${2:-}" = --once ] && [ -n "$done_marker" ] && [ -e "$done_marker" ]; then
  echo "rum: $1 provisioning already ran on first boot; not running it again"
  exit 0
fi
if [ ! -f "$script" ]; then
  echo "rum: there is no $1 provisioning script ($script)" >&2
  exit 2
fi
mkdir -p ${shellWords([GUEST_LOG_DIR, GUEST_STATE_DIR, GUEST_RUN_DIR])}
rm -f "$exit_file"
cd /
export HOME=/root DEBIAN_FRONTEND=noninteractive
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
${env}# A script without a #! line is a bash script.
if [ "$(head -c 2 "$script")" = '#!' ]; then run=("$script"); else run=(/bin/bash "$script"); fi
"\${run[@]}" </dev/null >"$log" 2>&1
code=$?
printf '%s\\n' "$code" >"$exit_file.tmp" && mv -f "$exit_file.tmp" "$exit_file"
if [ -n "$done_marker" ]; then touch "$done_marker"; fi
exit 0
`;
}

/**
 * Type=exec, not oneshot: a boot script that keeps running (a dev server)
 * must hold up neither multi-user.target nor cloud-final, which is ordered
 * after it. RemainAfterExit makes a second `systemctl start` in the same boot
 * (a new instance's runcmd) a no-op.
 */
function bootUnit(): string {
  return `[Unit]
Description=rum boot provisioning ([provision.boot] in rum.toml)
Wants=network-online.target
After=network-online.target local-fs.target remote-fs.target

[Service]
Type=exec
RemainAfterExit=yes
ExecStart=${PROVISION_RUNNER} boot

[Install]
WantedBy=multi-user.target
`;
}

/** `withEnv`: the runner sources `[env]` (environment.ts) before each script. */
export function provisionPart(provision: SeedProvision, withEnv = false): SeedPart {
  const { system, boot } = provision;
  if (system === undefined && boot === undefined) return EMPTY_PART;
  const files: GuestFile[] = [
    { path: PROVISION_RUNNER, content: runnerScript(withEnv), permissions: "0755" },
  ];
  const runcmd: string[][] = [];
  if (system !== undefined) {
    files.push({ path: PROVISION_PATHS.system.script, content: system, permissions: "0755" });
    runcmd.push([PROVISION_RUNNER, "system", "--once"]);
  }
  if (boot !== undefined) {
    files.push({ path: PROVISION_PATHS.boot.script, content: boot, permissions: "0755" });
    files.push({ path: BOOT_UNIT_PATH, content: bootUnit(), permissions: "0644" });
    // --no-block: the first run starts now, after the system script, without making cloud-init wait.
    runcmd.push(
      ["systemctl", "enable", BOOT_UNIT_NAME],
      ["systemctl", "start", "--no-block", BOOT_UNIT_NAME],
    );
  }
  return { files, runcmd };
}
