/** Arguments after `--`, passed to the guest untouched (exec, ssh). */
export function afterDashDash(rawArgs: string[]): string[] {
  const i = rawArgs.indexOf("--");
  return i < 0 ? [] : rawArgs.slice(i + 1);
}
