/**
 * Where the seed puts things inside the guest. The host side reads these over
 * SSH (exit files, logs) and re-runs the scripts, so this file is the contract
 * between the two; nothing else may spell these paths.
 */

/** rum's own scripts, written by the seed (write_files). */
export const GUEST_LIB_DIR = "/usr/local/lib/rum";
/** Logs of rum's scripts; readable by `sudo cat` from the host. */
export const GUEST_LOG_DIR = "/var/log/rum";
/** State that must survive reboots (system provisioning result). */
export const GUEST_STATE_DIR = "/var/lib/rum";
/** State of the current boot only: tmpfs, empty after every reboot. */
export const GUEST_RUN_DIR = "/run/rum";

export type ProvisionKind = "system" | "boot";

export interface ProvisionPaths {
  /** The user's script, verbatim, mode 0755. */
  script: string;
  /** Its stdout+stderr of the latest run (truncated when a run starts). */
  log: string;
  /**
   * Its exit code as decimal text plus a newline, written atomically when a
   * run ends; absent while running. For `boot` it lives under /run, so it
   * exists only once this boot's run has finished.
   */
  exit: string;
}

export const PROVISION_PATHS: Readonly<Record<ProvisionKind, ProvisionPaths>> = {
  system: {
    script: `${GUEST_LIB_DIR}/provision-system.sh`,
    log: `${GUEST_LOG_DIR}/provision-system.log`,
    exit: `${GUEST_STATE_DIR}/provision-system.exit`,
  },
  boot: {
    script: `${GUEST_LIB_DIR}/provision-boot.sh`,
    log: `${GUEST_LOG_DIR}/provision-boot.log`,
    exit: `${GUEST_RUN_DIR}/provision-boot.exit`,
  },
};

/** Present once the system script ran on first boot; later instances skip it. */
export const SYSTEM_DONE_MARKER = `${GUEST_STATE_DIR}/provision-system.done`;

/**
 * Runs one provisioning script: `sudo run-provision.sh system|boot [--once]`,
 * as root in `/` with HOME=/root and DEBIAN_FRONTEND=noninteractive (a script
 * without `#!` runs with bash). Its output goes to the log only (follow it
 * with `tail -F`), its exit code to the exit file; the runner exits 0 once the
 * script ran, 2 for bad arguments or a missing script. `--once` (system only)
 * skips the run when SYSTEM_DONE_MARKER exists.
 */
export const PROVISION_RUNNER = `${GUEST_LIB_DIR}/run-provision.sh`;

/** systemd unit that runs the boot script on every boot (after network-online). */
export const BOOT_UNIT_NAME = "rum-provision-boot.service";
export const BOOT_UNIT_PATH = `/etc/systemd/system/${BOOT_UNIT_NAME}`;

/** Formats (only blank drives) and mounts the `[[fs.*]]` drives; idempotent. */
export const FS_SETUP_SCRIPT = `${GUEST_LIB_DIR}/fs-setup.sh`;
export const FS_SETUP_LOG = `${GUEST_LOG_DIR}/fs-setup.log`;

/** Writes the shared folders' fstab lines and mounts them; idempotent. */
export const SHARES_SCRIPT = `${GUEST_LIB_DIR}/mount-shares.sh`;
export const SHARES_LOG = `${GUEST_LOG_DIR}/mount-shares.log`;
/** fstab option marking the lines SHARES_SCRIPT owns (mount(8) ignores x-* options). */
export const SHARE_FSTAB_MARK = "x-rum-share";

/**
 * A drop-in on the serial-getty@ template applies to every instance, so it
 * reaches the serial console whatever its name: ttyS0 on x86_64, ttyAMA0 (the
 * PL011) on aarch64. The seed stays the same for both arches.
 */
export const AUTOLOGIN_DROP_IN = "/etc/systemd/system/serial-getty@.service.d/autologin.conf";

/** Sourced by login shells; interactive ones starting in $HOME cd to the default mount. */
export const LOGIN_DIR_PROFILE = "/etc/profile.d/rum-cwd.sh";

/**
 * The guest path of a drive with this serial. The virtio-blk serial is cut
 * to 20 bytes by the device (VIRTIO_BLK_ID_BYTES), and udev names the link
 * after what the guest sees. Names are ASCII (checked when the config loads).
 */
export function driveById(name: string): string {
  return `/dev/disk/by-id/virtio-${name.slice(0, 20)}`;
}
