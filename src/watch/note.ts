/** The watcher's log lines (its stderr is logs/watch.log): timestamped, one per event worth keeping. */
export function note(message: string): void {
  process.stderr.write(`${new Date().toISOString()} ${message}\n`);
}
