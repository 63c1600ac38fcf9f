/**
 * The host folders shared into the guest (`[[mounts]]`): fstab lines written
 * and mounted by a script on every new instance.
 *
 * Not cloud-init's `mounts:` key: Debian 12's cloud-init (22.4) only keeps
 * entries whose spec is a block device or `host:path` (cc_mounts
 * sanitize_devname), so a virtiofs/9p tag is dropped with nothing but a debug
 * line in its log. rum owns its fstab lines instead, marked with an x-* option.
 */
import { GUEST_LOG_DIR, SHARE_FSTAB_MARK, SHARES_LOG, SHARES_SCRIPT } from "./guest-paths";
import type { SeedMount } from "./input";
import { EMPTY_PART, type SeedPart, scriptHeader } from "./part";
import { fstabField, shellQuote, shellWords } from "./quoting";

const NINE_P_OPTIONS = "trans=virtio,version=9p2000.L,msize=262144";

/** nofail: a share the host stopped exporting must not send the boot to emergency mode. */
export function shareOptions(mount: SeedMount): string {
  const base = mount.type === "9p" ? NINE_P_OPTIONS : "defaults";
  return [base, "nofail", SHARE_FSTAB_MARK, ...(mount.readonly ? ["ro"] : [])].join(",");
}

export function shareFstabLine(mount: SeedMount): string {
  return [
    fstabField(mount.tag),
    fstabField(mount.target),
    mount.type,
    shareOptions(mount),
    "0",
    "0",
  ].join("\t");
}

function sharesScript(mounts: readonly SeedMount[]): string {
  const calls = mounts.map((m) => `share ${shellWords([shareFstabLine(m), m.target])} || status=1`);
  return `${scriptHeader("Mounts the folders the host shares with this VM ([[mounts]] in rum.toml).")}
set -u
mkdir -p ${shellQuote(GUEST_LOG_DIR)}
exec > >(tee -a ${shellQuote(SHARES_LOG)}) 2>&1
echo "rum: mounting shared folders"
# Lines from an earlier seed go first, so removed or changed shares disappear.
old=$(awk '$4 ~ /(^|,)${SHARE_FSTAB_MARK}(,|$)/' /etc/fstab)
kept=$(awk '$4 !~ /(^|,)${SHARE_FSTAB_MARK}(,|$)/' /etc/fstab) && printf '%s\\n' "$kept" >/etc/fstab

# share FSTAB_LINE TARGET: add the line, then mount it (again, if its line changed).
share() {
  mkdir -p "$2" && printf '%s\\n' "$1" >>/etc/fstab || return 1
  if mountpoint -q "$2"; then
    grep -qxF -- "$1" <<<"$old" && return 0
    umount "$2" || { echo "rum: $2 is busy; its new options apply after a reboot"; return 1; }
  fi
  mount "$2" || { echo "rum: could not mount $2"; return 1; }
}

status=0
${calls.join("\n")}
systemctl daemon-reload
exit "$status"
`;
}

export function sharesPart(mounts: readonly SeedMount[]): SeedPart {
  if (mounts.length === 0) return EMPTY_PART;
  return {
    files: [{ path: SHARES_SCRIPT, content: sharesScript(mounts), permissions: "0755" }],
    runcmd: [[SHARES_SCRIPT]],
  };
}
