/**
 * Socket access for the `libvirt` group on hosts without systemd. libvirtd's
 * default unix auth is polkit, which needs D-Bus; without it a group member
 * gets "Unable to get system bus connection". Owning the socket by the group
 * (mode 0770) and dropping polkit makes group membership the access control,
 * which is what polkit's libvirt rule grants on desktop distros anyway.
 */

export const LIBVIRTD_CONF = "/etc/libvirt/libvirtd.conf";

/** The keys rum sets, with their exact libvirtd.conf values. */
export const GROUP_ACCESS: readonly (readonly [string, string])[] = [
  ["unix_sock_group", '"libvirt"'],
  ["unix_sock_rw_perms", '"0770"'],
  ["auth_unix_rw", '"none"'],
];

export interface ConfEdit {
  text: string;
  /** One line per key that changed, e.g. `auth_unix_rw = "none" (was "polkit")`. */
  changes: string[];
}

const keyLine = (key: string) => new RegExp(`^\\s*${key}\\s*=\\s*(.*?)\\s*$`);
const commentedKey = (key: string) => new RegExp(`^\\s*#\\s*${key}\\s*=`);

/**
 * Set each key in place: an active line is rewritten, else the setting goes
 * right under the file's commented-out example, else at the end. Every other
 * line is kept byte for byte, so running it twice changes nothing.
 */
export function setConfKeys(
  text: string,
  settings: readonly (readonly [string, string])[],
): ConfEdit {
  const lines = text.split("\n");
  const changes: string[] = [];
  for (const [key, value] of settings) {
    const wanted = `${key} = ${value}`;
    const active = lines.flatMap((l, i) => (keyLine(key).test(l) ? [i] : []));
    if (active.length > 0) {
      for (const i of active) {
        const old = keyLine(key).exec(lines[i] ?? "")?.[1] ?? "";
        if (old === value) continue;
        lines[i] = wanted;
        changes.push(`${wanted} (was ${old})`);
      }
      continue;
    }
    const example = lines.findLastIndex((l) => commentedKey(key).test(l));
    if (example >= 0) lines.splice(example + 1, 0, wanted);
    else {
      // Keep the file's trailing newline after the appended line.
      const end = lines.at(-1) === "" ? lines.length - 1 : lines.length;
      lines.splice(end, 0, wanted);
    }
    changes.push(`${wanted} (was unset)`);
  }
  return { text: lines.join("\n"), changes };
}
