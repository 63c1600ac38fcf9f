/**
 * Data for the user or a script goes to stdout, so `rum status --json | jq`
 * always sees exactly one JSON document; everything else is src/log.ts on stderr.
 */

/** Data for the user or a script: stdout, exactly as given. */
export function printData(text: string): void {
  process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
}

export function printJson(value: unknown): void {
  printData(JSON.stringify(value, null, 2));
}
