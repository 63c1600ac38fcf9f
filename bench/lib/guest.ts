/**
 * What the peers need to reach "ready" the way rum does: a client key and a
 * pinned host key, a NoCloud seed asking for the same guest set-up rum's seed
 * asks for, SSH to the guest, and a stop timed the way a script waits for it.
 */

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "pathe";
import { must, poll, run } from "./proc";

export const USER = "rum";
export const VIRSH = ["virsh", "-c", "qemu:///system"];

export type Keys = { dir: string; clientKey: string; knownHosts: string; alias: string };

/** Client + host ed25519 keys in `dir`; the host key goes into the seed and known_hosts. */
export async function makeKeys(dir: string, alias: string): Promise<Keys> {
  mkdirSync(dir, { recursive: true });
  const clientKey = join(dir, "id_ed25519");
  const keygen = (comment: string, path: string) =>
    must(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", path]);
  await keygen("bench", clientKey);
  await keygen("bench-host", join(dir, "host"));
  const knownHosts = join(dir, "known_hosts");
  writeFileSync(knownHosts, `${alias} ${readFileSync(join(dir, "host.pub"), "utf8")}`);
  return { dir, clientKey, knownHosts, alias };
}

/** user-data / meta-data / network-config with the same content rum's seed has. */
export function writeSeedFiles(
  k: Keys,
  hostname: string,
): { user: string; meta: string; net: string } {
  const indent = (s: string) => s.trim().replace(/^/gm, "    ");
  const userData = `#cloud-config
hostname: ${hostname}
users:
  - name: ${USER}
    sudo: "ALL=(ALL) NOPASSWD:ALL"
    shell: /bin/bash
    ssh_authorized_keys:
      - ${readFileSync(`${k.clientKey}.pub`, "utf8").trim()}
ssh_pwauth: false
disable_root: true
ssh_deletekeys: true
ssh_genkeytypes: [ed25519]
ssh_keys:
  ed25519_private: |
${indent(readFileSync(join(k.dir, "host"), "utf8"))}
  ed25519_public: ${readFileSync(join(k.dir, "host.pub"), "utf8").trim()}
package_update: false
package_upgrade: false
`;
  const paths = {
    user: join(k.dir, "user-data"),
    meta: join(k.dir, "meta-data"),
    net: join(k.dir, "network-config"),
  };
  writeFileSync(paths.user, userData);
  writeFileSync(
    paths.meta,
    `instance-id: ${hostname}-${Date.now()}\nlocal-hostname: ${hostname}\n`,
  );
  writeFileSync(
    paths.net,
    'version: 2\nethernets:\n  nic0:\n    match:\n      name: "en*"\n    dhcp4: true\n',
  );
  return paths;
}

/** The seed ISO as a script would make it: cloud-localds from cloud-image-utils. */
export async function makeSeedIso(k: Keys, hostname: string, iso: string): Promise<void> {
  const f = writeSeedFiles(k, hostname);
  await must(["cloud-localds", "-N", f.net, iso, f.user, f.meta]);
}

export function sshArgv(k: Keys, ip: string, ...cmd: string[]): string[] {
  const o = (v: string) => ["-o", v];
  return [
    "ssh",
    ...o(`IdentityFile=${k.clientKey}`),
    ...o("IdentitiesOnly=yes"),
    ...o(`UserKnownHostsFile=${k.knownHosts}`),
    ...o(`HostKeyAlias=${k.alias}`),
    ...o("StrictHostKeyChecking=yes"),
    ...o("BatchMode=yes"),
    ...o("ConnectTimeout=3"),
    ...o("ControlMaster=no"),
    ...o("ControlPath=none"),
    ...o("LogLevel=ERROR"),
    `${USER}@${ip}`,
    ...cmd,
  ];
}

/** How often the scripted stop asks `virsh domstate`, in ms; the doc reads it from the result. */
export const STOP_POLL_MS = 100;

/** `virsh shutdown` then domstate polled until shut off; seconds. */
export async function shutdownAndWait(domain: string): Promise<number> {
  const t = Bun.nanoseconds();
  await must([...VIRSH, "shutdown", domain]);
  await poll(
    `${domain} to shut off`,
    async () =>
      (await run([...VIRSH, "domstate", domain])).stdout.trim() === "shut off" ? true : undefined,
    STOP_POLL_MS,
    300,
  );
  return (Bun.nanoseconds() - t) / 1e9;
}
