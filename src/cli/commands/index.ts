/** Every verb, imported lazily so `rum --version` loads none of them. */
import type { CommandDef } from "citty";

type Loader = () => Promise<CommandDef>;
// biome-ignore lint/suspicious/noExplicitAny: citty's CommandDef is generic over its args
const load = (p: Promise<{ default: CommandDef<any> }>) => p.then((m) => m.default as CommandDef);

export const commands: Record<string, Loader> = {
  version: () => load(import("./version")),
};
