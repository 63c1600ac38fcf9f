import { defineCommand } from "citty";
import { runWatcher } from "../../watch/run";

/**
 * `rum __watch <stateDir>`: the VM's watcher process (see src/watch/run.ts). Hidden:
 * `rum up` and `rum status` start it detached; people never type it.
 */
export default defineCommand({
  meta: { name: "__watch", description: "The VM's file and listener watcher (internal)" },
  args: {
    stateDir: { type: "positional", required: true, description: "The VM's state folder" },
  },
  run({ args }) {
    return runWatcher(args.stateDir);
  },
});
