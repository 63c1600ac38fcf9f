/** Whether a libvirt URI points at this machine (its files, folders and ports are ours). */
const REMOTE_TRANSPORTS = new Set(["ssh", "libssh", "libssh2", "tls", "tcp"]);

/** `qemu:///system` and `qemu+unix:///…` are local; a host part or a network transport is remote. */
export function isRemoteUri(uri: string): boolean {
  const m = /^[\w-]+(?:\+([\w-]+))?:\/\/([^/?]*)/.exec(uri);
  if (!m) return false;
  return REMOTE_TRANSPORTS.has(m[1] ?? "") || (m[2] ?? "") !== "";
}
