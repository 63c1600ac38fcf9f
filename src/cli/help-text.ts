/**
 * What `--help` shows beyond the flags: a usage tail for the commands that
 * pass words through, and examples. Keyed by command path ("image pull").
 */
export interface HelpText {
  /** Replaces the generated `[OPTIONS] POSITIONALS` part of the usage line. */
  usage?: string;
  examples: string[];
}

export const ROOT_EXAMPLES = [
  "rum init --defaults && rum up -d   # a Debian VM, in the background",
  "rum exec -- make test              # run a command in the guest",
  "rum -c db.rum.toml status --json   # a second VM from the same folder",
];

export const HELP_TEXT: Record<string, HelpText> = {
  init: { examples: ["rum init", "rum init --defaults --image ubuntu-24.04 -c web.rum.toml"] },
  validate: { examples: ["rum validate", "rum validate --json | jq .config.resources"] },
  schema: { examples: ["rum schema > rum.schema.json"] },
  up: { examples: ["rum up -d", "rum up --reset --no-wait"] },
  down: { examples: ["rum down", "rum down --timeout 60", "rum down --force"] },
  restart: { examples: ["rum restart -d", "rum restart --reset -d"] },
  destroy: { examples: ["rum destroy", "rum destroy --yes"] },
  snapshot: {
    examples: ["rum down && rum snapshot save clean", "rum snapshot restore clean --yes"],
  },
  "snapshot save": { examples: ["rum snapshot save before-upgrade"] },
  "snapshot list": { examples: ["rum snapshot list", "rum snapshot list --json"] },
  "snapshot restore": { examples: ["rum snapshot restore before-upgrade --yes && rum up -d"] },
  "snapshot delete": { examples: ["rum snapshot delete before-upgrade"] },
  status: {
    examples: ["rum status", "rum status --json | jq -r .ssh.address", "rum status --all"],
  },
  ssh: {
    usage: "[OPTIONS] [-- SSH ARGS…]",
    examples: ["rum ssh", "rum ssh -- -L 8080:localhost:80"],
  },
  "ssh-config": { examples: ["rum ssh-config >> ~/.ssh/config"] },
  exec: {
    usage: "[OPTIONS] [--] CMD [ARGS…]",
    examples: ["rum exec -- uname -a", "rum exec -- sh -c 'cd /src && make test'"],
  },
  cp: { examples: ["rum cp ./build.tar :/tmp/", "rum cp :/var/log/syslog ./syslog"] },
  provision: { examples: ["rum provision", "rum provision --boot"] },
  log: { examples: ["rum log", "rum log --failed", "rum log --console -f"] },
  image: { examples: ["rum image list", "rum image pull ubuntu-24.04", "rum image search debian"] },
  "image list": { examples: ["rum image list", "rum image list --json"] },
  "image pull": {
    examples: ["rum image pull debian-12", "rum image pull https://example.org/disk.qcow2"],
  },
  "image delete": { examples: ["rum image delete debian-12"] },
  "image clear": { examples: ["rum image clear --yes"] },
  "image search": { examples: ["rum image search", "rum image search ubuntu"] },
  "dump-iso": { examples: ["rum dump-iso ./seed && cat ./seed/user-data"] },
  skill: { examples: ["rum skill > RUM.md"] },
  doctor: {
    examples: ["rum doctor", "rum doctor --fix --dry-run", "sudo ~/.local/bin/rum doctor --fix"],
  },
  completions: { examples: ["source <(rum completions bash)", "rum completions fish"] },
  version: { examples: ["rum version", "rum version --json"] },
};
