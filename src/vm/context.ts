/**
 * A VM as rum sees it: the loaded config plus everything derived from it
 * (libvirt connection, state dir, volume names, NICs). Built once per command.
 */
import { join } from "pathe";
import type { LoadedConfig } from "../config/load";
import { macFor } from "../domain/mac";
import { Virsh } from "../host/virsh";
import { vmStateDir } from "../state/paths";

export interface Nic {
  mac: string;
  source: { network: string } | { bridge: string };
  ip?: string;
}

export interface Vm {
  loaded: LoadedConfig;
  domain: string;
  virsh: Virsh;
  stateDir: string;
  rootVolume: string;
  /** A UEFI guest's variable store, a raw file libvirt makes in the pool at its first start. */
  uefiVarsVolume: string;
  nics: Nic[];
  driveVolume(name: string): string;
  seedVolume(hash: string): string;
  logDir: string;
}

/** The libvirt URI in force: --connect / RUM_LIBVIRT_URI override the config. */
export function libvirtUri(loaded: LoadedConfig, override?: string): string {
  return override || process.env.RUM_LIBVIRT_URI || loaded.config.advanced.libvirt_uri;
}

export function openVm(loaded: LoadedConfig, uriOverride?: string): Vm {
  const domain = loaded.domainName;
  const { config } = loaded;
  const sources: Nic["source"][] = [];
  if (config.network.nat) sources.push({ network: "default" });
  for (const i of config.network.interfaces) {
    sources.push(i.bridge ? { bridge: i.bridge } : { network: i.network as string });
  }
  const ips = [
    ...(config.network.nat ? [undefined] : []),
    ...config.network.interfaces.map((i) => i.ip),
  ];
  const stateDir = vmStateDir(domain);
  return {
    loaded,
    domain,
    virsh: new Virsh(libvirtUri(loaded, uriOverride)),
    stateDir,
    logDir: join(stateDir, "logs"),
    rootVolume: `${domain}-root.qcow2`,
    uefiVarsVolume: `${domain}-uefi-vars.fd`,
    nics: sources.map((source, i) => ({
      mac: macFor(domain, i),
      source,
      ...(ips[i] ? { ip: ips[i] } : {}),
    })),
    driveVolume: (name) => `${domain}-drive-${name}.qcow2`,
    seedVolume: (hash) => `${domain}-seed-${hash.slice(0, 12)}.iso`,
  };
}
