/**
 * Shell completion scripts, generated from the command registry (as data:
 * src/docs/commands.ts) so every command and flag is offered as it exists.
 */
import { bashScript } from "./bash";
import { fishScript } from "./fish";
import type { CompletionInput } from "./shared";
import { zshScript } from "./zsh";

export const SHELLS = ["bash", "zsh", "fish"] as const;
export type Shell = (typeof SHELLS)[number];

export function isShell(s: string): s is Shell {
  return (SHELLS as readonly string[]).includes(s);
}

export function completionScript(shell: Shell, input: CompletionInput): string {
  if (shell === "bash") return bashScript(input);
  if (shell === "zsh") return zshScript(input);
  return fishScript(input);
}
