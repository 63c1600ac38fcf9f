/**
 * @iarna/toml's string parser on its own. Its index also loads the stream
 * parser, which loads node:stream (about 2 ms of every command that reads
 * rum.toml); the package has no exports map, so the file is importable.
 */
declare module "@iarna/toml/parse-string.js" {
  /** Throws iarna's TomlError (message, line, col) on a syntax error. */
  export default function parseString(text: string): Record<string, unknown>;
}
