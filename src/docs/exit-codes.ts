/** rum's exit codes, one table for `rum --help`, `rum skill` (spec.md §3 says the same). */
export const EXIT_CODES: readonly { code: string; meaning: string }[] = [
  { code: "0", meaning: "success" },
  { code: "1", meaning: "failure (libvirt, image, guest, timeout); the hint names the fix" },
  { code: "2", meaning: "usage or config error: bad flag, unknown command, invalid rum.toml" },
  {
    code: "125",
    meaning: "exec, ssh, cp: rum could not run it (no VM, no address, bad config)",
  },
  { code: "N", meaning: "exec, ssh: the guest command's own exit code (255: ssh failed)" },
  { code: "130", meaning: "interrupted (Ctrl-C)" },
  { code: "141", meaning: "stdout was closed early (e.g. piped into `head`)" },
];
