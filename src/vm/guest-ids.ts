/**
 * The guest user's uid and gid. virtiofs passes owners through unchanged, so a
 * file the guest writes into a shared folder belongs on the host to whoever
 * has the guest user's uid: giving that user the host user's ids (as Lima
 * does) makes those files the user's own. Root keeps the image's default
 * (1000): it owns or can read everything anyway, and its seeds stay as before.
 */
import { isRemoteUri } from "../host/uri";
import type { Vm } from "./context";

/** Ids a cloud image leaves free for the first regular user (Debian/Fedora/Ubuntu login.defs). */
const FIRST_REGULAR = 1000;
const LAST_REGULAR = 59999;

export interface GuestIds {
  uid?: number;
  gid?: number;
  /** Why the ids could not follow the host user's (said by `rum up` when folders are shared). */
  mismatch?: string;
}

const regular = (id: number) => id >= FIRST_REGULAR && id <= LAST_REGULAR;

export function guestUserIds(vm: Vm): GuestIds {
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  if (uid === 0 || isRemoteUri(vm.virsh.uri)) return {};
  if (!regular(uid)) {
    return {
      mismatch: `your uid ${uid} is outside the guest's range for users (${FIRST_REGULAR}-${LAST_REGULAR}), so the guest user keeps the image's default uid and files it writes into shared folders belong to that uid on the host`,
    };
  }
  return regular(gid) ? { uid, gid } : { uid };
}
