/**
 * The `#cloud-config` user-data. Everything here was checked against Debian
 * 12's cloud-init (22.4): its schema, and its module code where the schema
 * says nothing about behaviour (see the comments).
 */
import { autologinPart } from "./console";
import { environmentPart } from "./environment";
import { filesystemsPart } from "./filesystems";
import type { SeedInput } from "./input";
import { loginDirPart } from "./login-dir";
import { multipart } from "./mime";
import type { SeedPart } from "./part";
import { provisionPart } from "./provision";
import { sharesPart } from "./shares";
import { mergeCloudConfig, parseExtraUserData } from "./user-extra";
import { toYaml, type YamlMap } from "./yaml";

export const CLOUD_CONFIG_HEADER = "#cloud-config\n";

/** The console password is the user's name (`rum` by default): the serial console stays usable, SSH is key-only. */
export function consolePassword(input: SeedInput): string {
  return input.user.name;
}

/**
 * Only rum's user, not the image's `default` one. plain_text_passwd is set
 * by the users module, which (unlike chpasswd) does not expire it; the sudo
 * rule gives passwordless sudo without naming a distro-specific group.
 */
function userEntry(input: SeedInput): YamlMap {
  const { user } = input;
  return {
    name: user.name,
    uid: user.uid,
    primary_group: user.gid === undefined ? undefined : user.name,
    groups: user.groups.length > 0 ? user.groups : undefined,
    sudo: "ALL=(ALL) NOPASSWD:ALL",
    shell: "/bin/bash",
    lock_passwd: false,
    plain_text_passwd: consolePassword(input),
    ssh_authorized_keys: user.authorizedKeys.length > 0 ? user.authorizedKeys : undefined,
  };
}

/**
 * The host key comes from the host so it is pinned before first boot. With
 * `ssh_keys` present cloud-init writes those keys and generates none
 * (cc_ssh's key generation is the `else` branch), so ssh_genkeytypes only
 * matters if that ever changes; `[]` is rejected by the schema ("too short").
 * ssh_deletekeys removes the image's own host keys first.
 */
function sshSettings(input: SeedInput): YamlMap {
  return {
    ssh_pwauth: false,
    disable_root: true,
    ssh_deletekeys: true,
    ssh_genkeytypes: [input.hostKey.type],
    ssh_keys: {
      [`${input.hostKey.type}_private`]: input.hostKey.privateKey,
      [`${input.hostKey.type}_public`]: input.hostKey.publicKey,
    },
  };
}

/** In first-boot order: console, shared folders, drives, environment, then provisioning (which may use them all). */
function parts(input: SeedInput): SeedPart[] {
  const hasEnv = Object.keys(input.env?.vars ?? {}).length > 0;
  return [
    autologinPart(input.autologin, input.user.name),
    sharesPart(input.mounts),
    filesystemsPart(input.filesystems, input.user.name),
    environmentPart(input.env),
    provisionPart(input.provision, hasEnv),
    loginDirPart(input.defaultDir),
  ];
}

/** Files keep write_files' default owner, root: it runs before users exist. */
function writeFilesAndRuncmd(input: SeedInput): YamlMap {
  const all = parts(input);
  const files = all.flatMap((p) => p.files);
  const runcmd = all.flatMap((p) => p.runcmd);
  // Units and drop-ins written by write_files are unknown to systemd until it reloads.
  if (files.some((f) => f.path.startsWith("/etc/systemd/")))
    runcmd.unshift(["systemctl", "daemon-reload"]);
  return {
    write_files:
      files.length > 0
        ? files.map((f) => ({
            path: f.path,
            content: f.content,
            permissions: f.permissions,
            append: f.append,
          }))
        : undefined,
    runcmd: runcmd.length > 0 ? runcmd : undefined,
  };
}

function rumDocument(input: SeedInput): YamlMap {
  return {
    hostname: input.hostname,
    preserve_hostname: false,
    // Adds the 127.0.1.1 line for the hostname (sudo resolves it) without owning all of /etc/hosts.
    manage_etc_hosts: "localhost",
    // users-groups does not create a primary_group; bootcmd runs before it. -f: no-op once it exists.
    bootcmd:
      input.user.gid === undefined
        ? undefined
        : [["groupadd", "-f", "-g", String(input.user.gid), input.user.name]],
    users: [userEntry(input)],
    ...sshSettings(input),
    // The guest may have no internet; nothing is installed at boot.
    package_update: false,
    package_upgrade: false,
    ...writeFilesAndRuncmd(input),
  };
}

/**
 * rum's document, merged with the user's `[cloud_init]` one; a user script
 * makes it a two-part MIME message. The config loader has already checked the
 * user's text, so a problem here is a bug, not a user error.
 */
export function userData(input: SeedInput): string {
  const doc = rumDocument(input);
  if (input.extraUserData === undefined) return CLOUD_CONFIG_HEADER + toYaml(doc);
  const { extra, problems } = parseExtraUserData(input.extraUserData);
  if (!extra) throw new Error(`unchecked [cloud_init] user-data: ${problems[0]?.message}`);
  if (extra.kind === "cloud-config")
    return CLOUD_CONFIG_HEADER + toYaml(mergeCloudConfig(doc, extra.doc));
  return multipart([
    {
      contentType: "text/cloud-config",
      filename: "rum.cfg",
      text: CLOUD_CONFIG_HEADER + toYaml(doc),
    },
    { contentType: "text/x-shellscript", filename: "user-data.sh", text: extra.text },
  ]);
}
