/**
 * The guest-side wait for cloud-init, as a POSIX sh script run over SSH.
 *
 * Why not just `cloud-init status --wait`: that is a Python process, and
 * under software emulation its start costs the guest seconds of CPU while
 * cloud-init's own last stages (also Python) need it; a guest booted by rum
 * reached ready ~1.5 s later than the same domain waited on from outside
 * (docs/benchmarks.md). The script instead polls for the file cloud-init
 * writes when its last stage ends (result.json) with shell built-ins, and
 * answers "done" itself only when that file lists no errors. Every other
 * case (errors, warnings, cloud-init disabled or absent, a guest without
 * systemd) is handed to `cloud-init status --wait`, so rum's verdicts stay
 * cloud-init's own.
 */

/** $1 is cloud-init's run directory (/run/cloud-init; tests point it elsewhere). */
export const CLOUD_INIT_WAIT_SCRIPT = `r="$1/result.json"
n=0
while [ ! -e "$r" ]; do
  if [ $((n % 10)) -eq 0 ]; then
    case $(systemctl is-system-running 2>/dev/null) in
      initializing|starting) ;;
      *) exec cloud-init status --wait ;;
    esac
  fi
  n=$((n + 1))
  sleep 0.2
done
c=$(tr -d ' \\t\\n' < "$r")
case $c in *'"errors":[]'*) ;; *) exec cloud-init status --wait ;; esac
case $c in *'"recoverable_errors":{"'*) exec cloud-init status --wait ;; esac
echo "status: done"
`;

/** The guest command: the script with cloud-init's real run directory. */
export function cloudInitWaitCommand(runDir = "/run/cloud-init"): string[] {
  return ["sh", "-c", CLOUD_INIT_WAIT_SCRIPT, "sh", runDir];
}
