/** Every verb, imported lazily so `rum --version` loads none of them. */
import type { CommandDef } from "citty";

type Loader = () => Promise<CommandDef>;
// biome-ignore lint/suspicious/noExplicitAny: citty's CommandDef is generic over its args
const load = (p: Promise<{ default: CommandDef<any> }>) => p.then((m) => m.default as CommandDef);

export const commands: Record<string, Loader> = {
  init: () => load(import("./init")),
  validate: () => load(import("./validate")),
  schema: () => load(import("./schema")),
  up: () => load(import("./up")),
  down: () => load(import("./down")),
  restart: () => load(import("./restart")),
  destroy: () => load(import("./destroy")),
  snapshot: () => load(import("./snapshot")),
  status: () => load(import("./status")),
  ssh: () => load(import("./ssh")),
  "ssh-config": () => load(import("./ssh-config")),
  exec: () => load(import("./exec")),
  cp: () => load(import("./cp")),
  provision: () => load(import("./provision")),
  log: () => load(import("./log")),
  image: () => load(import("./image")),
  "dump-iso": () => load(import("./dump-iso")),
  skill: () => load(import("./skill")),
  doctor: () => load(import("./doctor")),
  completions: () => load(import("./completions")),
  version: () => load(import("./version")),
};

/** Commands rum runs itself (detached helpers): callable, but in no help, completion or skill. */
export const hiddenCommands: Record<string, Loader> = {
  __watch: () => load(import("./watch")),
};
