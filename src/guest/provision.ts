/**
 * Provisioning as seen from the host: follow a script's log live while it
 * runs in the guest, and report its exit code (from the exit file the guest's
 * runner writes). The guest side lives in src/seed/cloudinit/provision.ts.
 */
import { RumError } from "../errors";
import {
  PROVISION_PATHS,
  PROVISION_RUNNER,
  type ProvisionKind,
} from "../seed/cloudinit/guest-paths";
import { guestRun } from "./session";
import type { SshTarget } from "./ssh-target";

const EXIT_MARK = "__RUM_PROVISION_EXIT__=";

/**
 * Guest-side follower. $1 log, $2 exit file, $3 mode, $4 kind, $5 script path.
 * Mode "start" first installs the script from stdin (rum.toml may have changed
 * since the seed was written) and runs it now.
 * Stops when the exit file appears, or (when waiting for first boot) when
 * cloud-init has finished without running the script.
 */
const FOLLOW = `set -u
log=$1; exit_file=$2; mode=$3; kind=$4; script=$5
if [ "$mode" = start ]; then
  cat > "$script.new" && chmod 0755 "$script.new" && mv -f "$script.new" "$script"
  rm -f "$exit_file"; : > "$log"
  setsid ${PROVISION_RUNNER} "$kind" >/dev/null 2>&1 < /dev/null &
fi
# Print what the log gained since the last look (by byte offset, so nothing is
# lost or repeated however slow the guest is); a truncated log starts over.
off=0
show() {
  size=$(stat -c %s "$log" 2>/dev/null || echo 0)
  [ "$size" -lt "$off" ] && off=0
  if [ "$size" -gt "$off" ]; then tail -c +$((off + 1)) "$log" | head -c $((size - off)); off=$size; fi
}
while [ ! -e "$exit_file" ]; do
  show
  if [ "$mode" = first-boot ] && [ -e /run/cloud-init/result.json ]; then
    sleep 0.5; [ -e "$exit_file" ] || break
  fi
  sleep 0.25
done
show
[ -s "$log" ] && [ -n "$(tail -c 1 "$log")" ] && echo
if [ -e "$exit_file" ]; then echo "${EXIT_MARK}$(cat "$exit_file")"; else echo "${EXIT_MARK}none"; fi
`;

export interface ProvisionResult {
  kind: ProvisionKind;
  /** null when the script did not run (e.g. cloud-init never reached it). */
  exitCode: number | null;
  logPath: string;
}

/** Follow (mode "wait"/"first-boot") or install and re-run (`{ start: script }`) one script, streaming its output. */
export async function followProvision(
  target: SshTarget,
  kind: ProvisionKind,
  mode: "wait" | "first-boot" | { start: string },
  onLine: (line: string) => void,
): Promise<ProvisionResult> {
  const paths = PROVISION_PATHS[kind];
  const modeName = typeof mode === "string" ? mode : "start";
  let exitText: string | undefined;
  const argv = [
    "sudo",
    "sh",
    "-c",
    FOLLOW,
    "rum-follow",
    paths.log,
    paths.exit,
    modeName,
    kind,
    paths.script,
  ];
  const r = await guestRun(target, argv, {
    ...(typeof mode === "string" ? {} : { stdin: mode.start }),
    onLine: (line) => {
      if (line.startsWith(EXIT_MARK)) exitText = line.slice(EXIT_MARK.length).trim();
      else onLine(line);
    },
  });
  if (exitText === undefined) {
    throw new RumError(
      `lost the connection while following ${kind} provisioning (ssh exit ${r.exitCode})`,
      {
        hint: `see the guest's ${paths.log} (\`rum log --all\`)`,
      },
    );
  }
  const code = Number.parseInt(exitText, 10);
  return { kind, exitCode: Number.isNaN(code) ? null : code, logPath: paths.log };
}

export function provisionFailed(result: ProvisionResult): RumError {
  return new RumError(
    `${result.kind} provisioning script failed with exit code ${result.exitCode}`,
    {
      exitCode: 1,
      hint: `its output is in the guest's ${result.logPath} (\`rum log --failed\`); the VM is left running for inspection`,
    },
  );
}
