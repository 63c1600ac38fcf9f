/**
 * Extra drives (`[[fs.*]]`): a script, run on every new instance, that formats
 * a drive only when blkid finds nothing on it (never reformats), then mounts
 * it by UUID. cloud-init's disk_setup/fs_setup is not used: it runs before
 * late by-id links exist and has no notion of btrfs/zfs over several drives.
 */
import { driveById, FS_SETUP_LOG, FS_SETUP_SCRIPT, GUEST_LOG_DIR } from "./guest-paths";
import type { SeedFilesystem } from "./input";
import { EMPTY_PART, type SeedPart, scriptHeader } from "./part";
import { fstabField, shellQuote, shellWords } from "./quoting";

/** The zfs pool of the n-th zfs entry (0-based) when rum.toml names none: rum, rum2, rum3... */
export function zfsPoolName(fs: SeedFilesystem, zfsIndex: number): string {
  return fs.pool ?? (zfsIndex === 0 ? "rum" : `rum${zfsIndex + 1}`);
}

const FUNCTIONS = `say() { echo "rum fs-setup: $*"; }

# wait_for DEV: drives may appear late under emulation (udev makes the by-id link).
wait_for() {
  local i
  for ((i = 0; i < 120; i++)); do
    [ -e "$1" ] && return 0
    sleep 1
  done
  say "drive $1 did not appear"
  return 1
}

# blank DEV: blkid exits 2 only when it finds no filesystem, RAID member or partition table.
blank() {
  blkid -p "$1" >/dev/null 2>&1
  [ $? -eq 2 ]
}

# need COMMAND PACKAGE: the guest has no internet, so say what to put in the image.
need() {
  command -v "$1" >/dev/null && return 0
  say "$1 is missing from this image (install $2 in it); skipping"
  return 1
}

# make_fs PACKAGE MESSAGE COMMAND...: runs a mkfs-like COMMAND when its tool is installed.
make_fs() {
  local package=$1 message=$2
  shift 2
  need "$1" "$package" || return 1
  say "$message"
  "$@" || { say "$1 failed"; return 1; }
}

# mount_fs DEV TARGET FSTAB_TARGET TYPE PASS FRESH: fstab line by UUID, then mount.
# The device timeout: systemd gives up on a mount whose device is not ready
# within 90 s and, with nofail, never retries it that boot. Under emulation on
# a busy host udev alone took ~90 s for a btrfs pair (it loads the module and
# waits for every member), so a later boot came up without the filesystem.
mount_fs() {
  local uuid
  udevadm settle
  uuid=$(blkid -p -s UUID -o value "$1")
  [ -n "$uuid" ] || { say "no UUID on $1"; return 1; }
  grep -q "^UUID=\${uuid}[[:space:]]" /etc/fstab ||
    printf 'UUID=%s\\t%s\\t%s\\tdefaults,nofail,x-systemd.device-timeout=10min\\t0\\t%s\\n' \\
      "$uuid" "$3" "$4" "$5" >>/etc/fstab
  mkdir -p "$2"
  mountpoint -q "$2" || mount "$2" || { say "could not mount $2"; return 1; }
  # A filesystem rum just made belongs to the VM's user, like the rest of their workspace.
  if [ "$6" = 1 ]; then chown "$owner:" "$2"; fi
}

# single TYPE DEV TARGET FSTAB_TARGET: ext4 or xfs on one drive.
single() {
  local found fresh=0 pass=0
  [ "$1" = ext4 ] && pass=2
  wait_for "$2" || return 1
  if blank "$2"; then
    case $1 in
      ext4) make_fs e2fsprogs "formatting $2 as ext4" mkfs.ext4 -q -F "$2" ;;
      xfs) make_fs xfsprogs "formatting $2 as xfs" mkfs.xfs -q "$2" ;;
    esac || return 1
    fresh=1
  else
    found=$(blkid -p -s TYPE -o value "$2")
    [ "$found" = "$1" ] || { say "$2 holds \${found:-data} (not $1); leaving it alone"; return 1; }
  fi
  mount_fs "$2" "$3" "$4" "$1" "$pass" "$fresh"
}

# btrfs_fs MODE TARGET FSTAB_TARGET DEV...: one filesystem over all the drives.
btrfs_fs() {
  local mode=$1 target=$2 fstab_target=$3 dev blanks=0 fresh=0 opts=()
  shift 3
  for dev in "$@"; do
    wait_for "$dev" || return 1
    if blank "$dev"; then blanks=$((blanks + 1)); fi
  done
  if [ "$blanks" -eq $# ]; then
    [ -n "$mode" ] && opts=(-d "$mode" -m "$mode")
    make_fs btrfs-progs "formatting $* as btrfs \${mode:-(default profile)}" \\
      mkfs.btrfs -q "\${opts[@]}" "$@" || return 1
    fresh=1
  elif [ "$blanks" -ne 0 ]; then
    say "some of $* hold data and some are blank; formatting none of them"
    return 1
  elif [ "$(blkid -p -s TYPE -o value "$1")" != btrfs ]; then
    say "$1 holds something other than btrfs; leaving it alone"
    return 1
  fi
  command -v btrfs >/dev/null && btrfs device scan >/dev/null 2>&1
  mount_fs "$1" "$target" "$fstab_target" btrfs 0 "$fresh"
}

# zfs_pool POOL MODE TARGET DEV...: zfs mounts the pool itself, so no fstab line.
zfs_pool() {
  local pool=$1 mode=$2 target=$3 dev blanks=0 vdev=()
  shift 3
  need zpool zfsutils-linux || return 1
  for dev in "$@"; do
    wait_for "$dev" || return 1
    if blank "$dev"; then blanks=$((blanks + 1)); fi
  done
  if zpool list -H "$pool" >/dev/null 2>&1 || zpool import "$pool" >/dev/null 2>&1; then
    say "zfs pool $pool is present"
  elif [ "$blanks" -eq $# ]; then
    [ -n "$mode" ] && vdev=("$mode")
    make_fs zfsutils-linux "creating zfs pool $pool \${mode:-(striped)} on $*" \\
      zpool create -m "$target" "$pool" "\${vdev[@]}" "$@" || return 1
    chown "$owner:" "$target"
  else
    say "some of $* hold data that is not the pool $pool; leaving them alone"
    return 1
  fi
}`;

function call(fs: SeedFilesystem, zfsIndex: number): string {
  const devices = fs.drives.map(driveById);
  const where = [fs.target, fstabField(fs.target)];
  switch (fs.type) {
    case "ext4":
    case "xfs":
      if (devices.length !== 1)
        throw new Error(`${fs.type} takes exactly one drive (${fs.target})`);
      return `single ${shellWords([fs.type, ...devices, ...where])}`;
    case "btrfs":
      return `btrfs_fs ${shellWords([fs.mode ?? "", ...where, ...devices])}`;
    case "zfs":
      return `zfs_pool ${shellWords([zfsPoolName(fs, zfsIndex), fs.mode ?? "", fs.target, ...devices])}`;
  }
}

function fsSetupScript(filesystems: readonly SeedFilesystem[], owner: string): string {
  let zfsIndex = 0;
  const calls = filesystems.map(
    (fs) => `${call(fs, fs.type === "zfs" ? zfsIndex++ : 0)} || status=1`,
  );
  return `${scriptHeader("Formats (blank drives only) and mounts the [[fs.*]] drives of rum.toml.")}
set -u
mkdir -p ${shellQuote(GUEST_LOG_DIR)}
exec > >(tee -a ${shellQuote(FS_SETUP_LOG)}) 2>&1
owner=${shellQuote(owner)}

${FUNCTIONS}

status=0
${calls.join("\n")}
systemctl daemon-reload
exit "$status"
`;
}

export function filesystemsPart(filesystems: readonly SeedFilesystem[], owner: string): SeedPart {
  if (filesystems.length === 0) return EMPTY_PART;
  return {
    files: [
      { path: FS_SETUP_SCRIPT, content: fsSetupScript(filesystems, owner), permissions: "0755" },
    ],
    runcmd: [[FS_SETUP_SCRIPT]],
  };
}
