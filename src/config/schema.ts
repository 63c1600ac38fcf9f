/**
 * The rum.toml schema: one typebox definition that drives validation, the
 * JSON Schema for editors (`rum schema`), `rum init` comments and `rum skill`.
 * Defaults live here too (`default`), so they are documented where they apply.
 */
import Type from "typebox";

const SizeString = Type.String({
  pattern: "^[0-9]+(\\.[0-9]+)?\\s*([KMGT]i?B?|[kmgt]i?b?|B|b)?$",
  description: 'A size such as "512M", "20G" or "1T" (binary units)',
});

const Image = Type.Object(
  {
    base: Type.String({
      minLength: 1,
      description:
        "Cloud image: a URL, a local path, or a shorthand such as ubuntu-24.04 (see `rum image search`)",
    }),
    sha256: Type.Optional(
      Type.String({
        pattern: "^[0-9a-fA-F]{64}$",
        description: "Expected SHA-256 of the image file",
        examples: ["0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"],
      }),
    ),
  },
  { additionalProperties: false, description: "The guest's base image" },
);

const Resources = Type.Object(
  {
    cpus: Type.Integer({ minimum: 1, maximum: 512, default: 2, description: "Number of vCPUs" }),
    memory_mb: Type.Integer({
      minimum: 256,
      maximum: 16777216,
      default: 2048,
      description: "RAM in MiB",
    }),
    disk: Type.String({
      ...SizeString,
      default: "20G",
      description:
        "Root disk size; raising it grows the disk (and the guest's root filesystem) on the next `rum up` of a stopped VM; never shrinks",
    }),
  },
  { additionalProperties: false },
);

const Interface = Type.Object(
  {
    network: Type.Optional(
      Type.String({
        minLength: 1,
        description: "libvirt network name; created as an isolated host-only network if missing",
      }),
    ),
    bridge: Type.Optional(
      Type.String({
        minLength: 1,
        description: "Existing host bridge to attach to (instead of network)",
      }),
    ),
    ip: Type.Optional(
      Type.String({
        description: "Fixed IPv4 address, made a DHCP reservation for the NIC's MAC",
        examples: ["192.168.100.10"],
      }),
    ),
  },
  { additionalProperties: false },
);

const Network = Type.Object(
  {
    nat: Type.Boolean({ default: true, description: "NIC on libvirt's `default` NAT network" }),
    hostname: Type.Optional(
      Type.String({
        description: "Guest hostname (RFC 1123); defaults to the VM name",
        examples: ["dev"],
      }),
    ),
    wait_for_ip: Type.Boolean({ default: true, description: "Wait for an address after boot" }),
    ip_wait_timeout_s: Type.Integer({
      minimum: 1,
      maximum: 86400,
      default: 120,
      description: "How long to wait for an address",
    }),
    interfaces: Type.Array(Interface, {
      default: [],
      maxItems: 16,
      description: "Extra NICs: set exactly one of network or bridge",
      examples: [[{ network: "lab", ip: "192.168.100.10" }]],
    }),
    auto_forward: Type.Boolean({
      default: false,
      description: "Forward every guest TCP listener to the same port on the host's 127.0.0.1",
    }),
    auto_forward_exclude: Type.Array(Type.Integer({ minimum: 1, maximum: 65535 }), {
      default: [],
      maxItems: 256,
      description: "Guest ports auto_forward leaves alone (22 always is)",
      examples: [[5432]],
    }),
    proxy: Type.Union([Type.Literal("none"), Type.Literal("host")], {
      default: "none",
      description: "host: pass this host's http(s)_proxy/no_proxy to the guest and its apt",
    }),
  },
  { additionalProperties: false },
);

const Script = Type.Object(
  { script: Type.String({ description: "Shell script run as root in the guest" }) },
  { additionalProperties: false },
);

const Provision = Type.Object(
  {
    system: Type.Optional(
      Type.Object(Script.properties, {
        additionalProperties: false,
        description: "Runs once, on the first boot of a fresh VM",
        examples: [{ script: "apt-get update\napt-get install -y build-essential\n" }],
      }),
    ),
    boot: Type.Optional(
      Type.Object(Script.properties, {
        additionalProperties: false,
        description: "Runs on every boot",
        examples: [{ script: "echo booted at $(date) >> /var/log/boots\n" }],
      }),
    ),
  },
  { additionalProperties: false },
);

const Advanced = Type.Object(
  {
    libvirt_uri: Type.String({
      default: "qemu:///system",
      description: "libvirt connection URI, e.g. qemu+ssh://user@host/system",
    }),
    domain_type: Type.Union([Type.Literal("kvm"), Type.Literal("qemu")], {
      default: "kvm",
      description: "kvm, or qemu for software emulation where KVM is unusable",
    }),
    cpu_model: Type.String({
      default: "auto",
      pattern: "^[A-Za-z0-9._-]+$",
      description:
        "Guest CPU: auto (host-passthrough under kvm; under qemu qemu64-v2 on x86_64, maximum on aarch64), host-passthrough, maximum, qemu64-v2 (QEMU's qemu64 with the x86-64-v2 features), or a libvirt CPU model name",
      examples: ["auto", "maximum", "qemu64-v2", "Nehalem"],
    }),
    machine: Type.String({
      default: "q35",
      pattern: "^[A-Za-z0-9._-]+$",
      description: "QEMU machine type",
    }),
    firmware: Type.Union([Type.Literal("bios"), Type.Literal("uefi")], {
      default: "bios",
      description: "bios or uefi (OVMF)",
    }),
    autologin: Type.Boolean({
      default: false,
      description: "Log the user in automatically on the serial console",
    }),
    arch: Type.Optional(
      Type.Union([Type.Literal("x86_64"), Type.Literal("aarch64")], {
        description:
          "Guest CPU architecture; default: the host's. aarch64 defaults machine to virt and firmware to uefi; an arch other than the host's defaults domain_type to qemu",
        examples: ["x86_64"],
      }),
    ),
    ssh_timeout_s: Type.Integer({
      minimum: 1,
      maximum: 86400,
      default: 600,
      description: "How long to wait for SSH (port 22, then login) after the address",
    }),
    cloud_init_timeout_s: Type.Integer({
      minimum: 1,
      maximum: 86400,
      default: 1200,
      description: "How long to wait for cloud-init (and system provisioning) to finish",
    }),
  },
  { additionalProperties: false },
);

const CloudInit = Type.Object(
  {
    user_data: Type.Optional(
      Type.String({
        description:
          "A #cloud-config document merged into rum's (runcmd, bootcmd, write_files, packages append after rum's), or a #! script run on first boot",
        examples: ["#cloud-config\npackages: [htop]\nruncmd:\n  - [touch, /etc/ready]\n"],
      }),
    ),
    user_data_file: Type.Optional(
      Type.String({
        minLength: 1,
        description: "The same, read from a file (relative to rum.toml); not with user_data",
        examples: ["cloud-init.yaml"],
      }),
    ),
  },
  { additionalProperties: false },
);

const Ssh = Type.Object(
  {
    user: Type.Optional(
      Type.String({ description: "Login user; defaults to [user] name", examples: ["rum"] }),
    ),
    command: Type.String({
      default: "ssh",
      description: "ssh client to run, e.g. `kitty +kitten ssh`",
    }),
    interface: Type.Optional(
      Type.String({
        description: "Which NIC's address to use for SSH (network or bridge name)",
        examples: ["lab"],
      }),
    ),
    authorized_keys: Type.Array(Type.String(), {
      default: [],
      maxItems: 256,
      description: "Extra public keys to install for the user",
      examples: [
        [
          "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHn0lmfaG3b1hA0XQbCkc0JK3g2mKUPC4zTQ0kx0E5Fh you@laptop",
        ],
      ],
    }),
    proxy_jump: Type.Optional(
      Type.String({
        description: "Jump host for guest SSH; derived from a qemu+ssh:// libvirt_uri when unset",
        examples: ["admin@gateway"],
      }),
    ),
  },
  { additionalProperties: false },
);

const User = Type.Object(
  {
    name: Type.String({
      default: "rum",
      pattern: "^[a-z_][a-z0-9_-]{0,31}$",
      description: "User created in the guest (passwordless sudo)",
    }),
    groups: Type.Array(Type.String({ pattern: "^[a-z_][a-z0-9_-]{0,31}$" }), {
      default: [],
      maxItems: 64,
      description: "Extra groups",
      examples: [["docker"]],
    }),
  },
  { additionalProperties: false },
);

const Mount = Type.Object(
  {
    source: Type.String({
      minLength: 1,
      description:
        '"." (the config folder), "git" (its git top level), or a path relative to rum.toml',
    }),
    target: Type.String({ minLength: 1, description: "Absolute mount point in the guest" }),
    readonly: Type.Boolean({ default: false }),
    tag: Type.Optional(
      Type.String({
        pattern: "^[A-Za-z0-9_.-]{1,36}$",
        description: "virtiofs/9p tag; derived from target",
        examples: ["project"],
      }),
    ),
    default: Type.Boolean({
      default: false,
      description: "Working directory of ssh/exec/provision (at most one)",
    }),
    type: Type.Optional(
      Type.Union([Type.Literal("virtiofs"), Type.Literal("9p")], {
        description: "Force a transport; default virtiofs when available",
        examples: ["virtiofs"],
      }),
    ),
    inotify: Type.Boolean({
      default: false,
      description: "Replay host changes in the guest so its file watchers see them",
    }),
    ignore: Type.Array(Type.String({ minLength: 1 }), {
      default: [],
      maxItems: 256,
      description: "Paths (globs) the inotify replay skips; .git internals always are",
      examples: [["node_modules", "*.log", "build/**"]],
    }),
  },
  { additionalProperties: false },
);

const Drive = Type.Object(
  {
    size: Type.String({
      ...SizeString,
      description:
        "Size of the extra qcow2 disk; raising it grows the disk on the next `rum up` of a stopped VM (not a filesystem on it); never shrinks",
    }),
  },
  { additionalProperties: false },
);

const FsEntry = Type.Object(
  {
    drive: Type.Optional(Type.String({ description: "Drive to format (ext4, xfs)" })),
    drives: Type.Optional(
      Type.Array(Type.String(), { maxItems: 24, description: "Drives to use (btrfs, zfs)" }),
    ),
    target: Type.String({ description: "Absolute mount point in the guest" }),
    mode: Type.Optional(
      Type.String({ description: "btrfs/zfs layout, e.g. mirror, raid0, raid1" }),
    ),
    pool: Type.Optional(Type.String({ description: "zfs pool name" })),
  },
  { additionalProperties: false },
);

const Fs = Type.Object(
  {
    ext4: Type.Optional(
      Type.Array(FsEntry, {
        maxItems: 24,
        description: "ext4 on one drive",
        examples: [[{ drive: "data", target: "/data" }]],
      }),
    ),
    xfs: Type.Optional(
      Type.Array(FsEntry, {
        maxItems: 24,
        description: "xfs on one drive (at least 300M)",
        examples: [[{ drive: "logs", target: "/var/log/app" }]],
      }),
    ),
    btrfs: Type.Optional(
      Type.Array(FsEntry, {
        maxItems: 24,
        description: "btrfs over one or more drives",
        examples: [[{ drives: ["b1", "b2"], mode: "raid1", target: "/srv" }]],
      }),
    ),
    zfs: Type.Optional(
      Type.Array(FsEntry, {
        maxItems: 24,
        description: "a zfs pool over one or more drives",
        examples: [[{ drives: ["z1", "z2"], mode: "mirror", pool: "tank", target: "/tank" }]],
      }),
    ),
  },
  { additionalProperties: false },
);

const Port = Type.Object(
  {
    host: Type.Integer({ minimum: 1, maximum: 65535, description: "Host port" }),
    guest: Type.Integer({ minimum: 1, maximum: 65535, description: "Guest port" }),
    bind: Type.String({ default: "127.0.0.1", description: "Host address to listen on" }),
  },
  { additionalProperties: false },
);

const DRIVE_NAME = "^[a-z0-9][a-z0-9_-]{0,19}$";
const ENV_NAME = "^[A-Za-z_][A-Za-z0-9_]*$";

/** A table that may be left out: its keys' defaults apply. */
function section<T extends Type.TProperties>(table: Type.TObject<T>, description: string) {
  return Type.Object(table.properties, { additionalProperties: false, default: {}, description });
}

export const ConfigSchema = Type.Object(
  {
    name: Type.Optional(
      Type.String({
        description: "VM name; derived from the file or folder name when unset",
        examples: ["myproject"],
      }),
    ),
    image: Image,
    resources: section(Resources, "CPU, memory and root disk"),
    network: section(Network, "Networking: NAT, hostname, extra NICs"),
    provision: section(Provision, "Shell scripts run in the guest"),
    cloud_init: section(CloudInit, "Your own cloud-init user-data, merged with rum's"),
    advanced: section(Advanced, "libvirt connection and machine details"),
    ssh: section(Ssh, "How rum (and you) log in"),
    user: section(User, "The guest user"),
    mounts: Type.Array(Mount, {
      default: [],
      maxItems: 64,
      description: "Host folders shared into the guest",
      examples: [[{ source: ".", target: "/home/rum/project", default: true }]],
    }),
    drives: Type.Record(Type.String({ pattern: DRIVE_NAME }), Drive, {
      default: {},
      // Not `additionalProperties: false`: typebox's Value.Default throws on it in a Record.
      propertyNames: { pattern: DRIVE_NAME },
      maxProperties: 24,
      description: "Extra disks, seen in the guest as /dev/disk/by-id/virtio-<name>",
      examples: [{ data: { size: "10G" } }],
    }),
    fs: section(Fs, "Filesystems made on the extra drives on first boot"),
    env: Type.Record(
      Type.String({ pattern: ENV_NAME }),
      // pam_env, which reads /etc/environment, ends a value at `#`: it could not arrive whole.
      Type.String({ pattern: "^[^\\u0000\\n\\r#]*$" }),
      {
        default: {},
        propertyNames: { pattern: ENV_NAME },
        maxProperties: 256,
        description:
          "Environment variables for logins, `rum exec` and provisioning (no newline or #)",
        examples: [{ RUST_LOG: "debug" }],
      },
    ),
    ports: Type.Array(Port, {
      default: [],
      maxItems: 256,
      description: "TCP forwards from the host to the guest, alive while the VM runs",
      examples: [[{ host: 8080, guest: 80 }]],
    }),
  },
  { additionalProperties: false, title: "rum.toml", description: "A rum virtual machine" },
);

/** The config after defaults are filled in: what every other module reads. */
export type Config = Type.Static<typeof ConfigSchema>;
export type MountConfig = Config["mounts"][number];
export type PortConfig = Config["ports"][number];
export type InterfaceConfig = Config["network"]["interfaces"][number];
export type FsConfig = Config["fs"];
