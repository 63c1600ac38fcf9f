/**
 * A cursor over TOML source that knows just enough of the syntax (keys,
 * strings, comments, brackets) to step from one key to the next and count
 * lines; it never builds values. Used to find where keys are written.
 */
const BARE = /[A-Za-z0-9_-]/;

export class TomlScanner {
  pos = 0;
  line = 1;
  constructor(private readonly text: string) {}

  done(): boolean {
    return this.pos >= this.text.length;
  }
  peek(ahead = 0): string {
    return this.text[this.pos + ahead] ?? "";
  }
  advance(n: number): void {
    this.pos += n;
  }
  newline(): void {
    this.pos++;
    this.line++;
  }
  skipBlank(): void {
    while (this.peek() === " " || this.peek() === "\t" || this.peek() === "\r") this.pos++;
  }
  skipToEol(): void {
    const end = this.text.indexOf("\n", this.pos);
    this.pos = end < 0 ? this.text.length : end;
  }

  /** `a."b c".d` → ["a", "b c", "d"]; undefined when it is not a key. */
  readDottedKey(): string[] | undefined {
    const keys: string[] = [];
    for (;;) {
      this.skipBlank();
      const key = this.readKey();
      if (key === undefined) return undefined;
      keys.push(key);
      this.skipBlank();
      if (this.peek() !== ".") return keys;
      this.pos++;
    }
  }

  private readKey(): string | undefined {
    const q = this.peek();
    if (q === '"' || q === "'") return this.readQuotedKey(q);
    const start = this.pos;
    while (BARE.test(this.peek())) this.pos++;
    return this.pos > start ? this.text.slice(start, this.pos) : undefined;
  }

  private readQuotedKey(q: string): string | undefined {
    const start = this.pos;
    this.pos++;
    while (!this.done() && this.peek() !== q && this.peek() !== "\n") {
      if (q === '"' && this.peek() === "\\") this.pos++;
      this.pos++;
    }
    if (this.peek() !== q) return undefined;
    this.pos++;
    const raw = this.text.slice(start, this.pos);
    if (q === "'") return raw.slice(1, -1);
    try {
      return JSON.parse(raw) as string;
    } catch {
      return raw.slice(1, -1);
    }
  }

  /**
   * Move past one value, which may span lines (multi-line strings and arrays).
   * `onElement` hears of each inline table directly inside an array.
   */
  skipValue(onElement: (index: number, line: number) => void): void {
    let depth = 0;
    let element = 0;
    while (!this.done()) {
      const c = this.peek();
      if (c === "\n") {
        if (depth === 0) return;
        this.newline();
      } else if (c === "#") this.skipToEol();
      else if (c === '"' || c === "'") this.skipString(c);
      else if (c === "[" || c === "{") {
        if (c === "{" && depth === 1) onElement(element++, this.line);
        depth++;
        this.pos++;
      } else if (c === "]" || c === "}") {
        depth--;
        this.pos++;
        if (depth <= 0) return;
      } else this.pos++;
    }
  }

  private skipString(q: string): void {
    const multi = this.text.startsWith(q.repeat(3), this.pos);
    this.pos += multi ? 3 : 1;
    while (!this.done()) {
      const c = this.peek();
      // An escape skips the escaped character, except a line-ending backslash's newline.
      if (c === "\\" && q === '"') this.pos += this.peek(1) === "\n" ? 1 : 2;
      else if (multi && this.text.startsWith(q.repeat(3), this.pos)) {
        // Up to two quotes may end a multi-line string: `""""` is a quote then the end.
        this.pos += 3;
        while (this.peek() === q) this.pos++;
        return;
      } else if (!multi && c === q) {
        this.pos++;
        return;
      } else if (c === "\n") {
        if (!multi) return;
        this.newline();
      } else this.pos++;
    }
  }
}
