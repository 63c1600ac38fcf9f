// The seed's YAML emitter against hostile strings: every document it writes is
// parsed back by two independent parsers — Bun.YAML (YAML 1.2) and PyYAML
// (YAML 1.1, the parser cloud-init itself uses) — and must come back equal.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { toYaml, type YamlValue } from "../../src/seed/cloudinit/yaml";

// Each test runs python and cloud-init several times; give a loaded host room.
setDefaultTimeout(60_000);

// Debian's python3 has PyYAML; a pyenv python3 earlier on PATH may not.
const PYTHON = "/usr/bin/python3";

/** Parses each document with PyYAML in one python run; JSON carries the results back. */
function parseWithPyYaml(docs: string[]): unknown[] {
  const program =
    "import json,sys,yaml\nprint(json.dumps([yaml.safe_load(d) for d in json.load(sys.stdin)]))";
  const run = Bun.spawnSync([PYTHON, "-c", program], { stdin: Buffer.from(JSON.stringify(docs)) });
  if (run.exitCode !== 0) throw new Error(run.stderr.toString());
  return JSON.parse(run.stdout.toString());
}

function expectRoundTrip(values: YamlValue[]): void {
  const docs = values.map((v) => toYaml(v));
  const python = parseWithPyYaml(docs);
  values.forEach((value, i) => {
    expect({ doc: docs[i], parsed: Bun.YAML.parse(docs[i] ?? "") }).toEqual({
      doc: docs[i],
      parsed: value,
    });
    expect({ doc: docs[i], parsed: python[i] }).toEqual({ doc: docs[i], parsed: value });
  });
}

const controls = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join("");

const HOSTILE: string[] = [
  ...["", " ", "   ", "\t", "a ", " a", "a  b", "a\tb"],
  ...['"', "'", "\\", '"quoted"', "'single'", "it's", 'say "hi"', "back\\slash\\n"],
  ...[
    "a: b",
    "a:b",
    "key:",
    ":",
    "a #b",
    "a#b",
    "#comment",
    "- a",
    "-",
    "--",
    "---",
    "...",
    "-1",
    "-a",
  ],
  ...[
    "?",
    "? x",
    "*",
    "*alias",
    "&",
    "&anchor",
    "!",
    "!tag",
    "!!str",
    "%",
    "%YAML",
    "@",
    "@x",
    "`",
    "`cmd`",
  ],
  ...[
    "[",
    "[a]",
    "]",
    "{",
    "{a: 1}",
    "}",
    ",",
    "a, b",
    "|",
    "|-",
    ">",
    "> x",
    "<<",
    "=",
    "~",
    "~x",
  ],
  ...[
    "yes",
    "no",
    "Yes",
    "NO",
    "on",
    "Off",
    "y",
    "n",
    "Y",
    "N",
    "true",
    "False",
    "TRUE",
    "null",
    "Null",
    "NULL",
  ],
  ...[
    "0",
    "1",
    "-1",
    "+1",
    "012",
    "0o12",
    "0x1f",
    "0X1F",
    "0b101",
    "1_000",
    "1e3",
    "1E3",
    "1.5",
    "-1.5e-3",
  ],
  ...[".inf", "-.inf", "+.inf", ".Inf", ".nan", ".NaN", "1:20", "190:20:30", "52:54:00:12:34:56"],
  ...["2001-12-14", "2001-12-14t21:59:43.10-05:00", "12:30", "0.", ".5", "1.", "00", "08", "09.5"],
  ...[
    "line\nbreak",
    "a\n",
    "a\n\n",
    "\n",
    "\n\n",
    "\na",
    "\n a",
    "a\r\nb",
    "\r",
    "a\rb",
    "trailing \n",
  ],
  ...[
    "tab\tinside",
    "\tlead",
    "trail\t",
    "x\u0085y",
    "x\u2028y",
    "x\u2029y",
    "\ufeffbom",
    "a\ufeff",
  ],
  ...["naïve", "日本語", "مرحبا بالعالم", "שלום", "emoji 🎉🚀", "👨‍👩‍👧", "\u200b", "é\u0301"],
  ...["\0", "a\0b", controls, "\u007f", "\u0080\u009f", "\u001b[31mred\u001b[0m", "bell\u0007"],
  "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFgthbu/DQHpbgF1aBWMNPJSuRYI2zoFdxcOSROg+xfV user@host: #1 'x' \"y\"",
  "x".repeat(100 * 1024),
  `${"ab: #\n".repeat(20_000)}end`,
];

/** Multi-line text shaped like scripts and keys, where literal blocks must keep every byte. */
const MULTILINE: string[] = [
  '#!/bin/bash\nset -eu\necho "hi $USER" # comment\n',
  "#!/bin/sh\necho no trailing newline",
  "echo two trailing newlines\n\n",
  "echo three\n\n\n",
  "  starts with spaces\nsecond\n",
  "\n\nstarts with empty lines\n",
  "   \nwhitespace-only first line\n",
  "\tstarts with a tab\n\tand more\n",
  "middle\n   \nwhitespace line\n",
  "ends with spaces   \nx   ",
  "ends with a whitespace line\n  ",
  "ends with a whitespace line and newline\n  \n",
  "- looks like a list\n- item\n",
  "key: value\n? complex\n",
  "---\n...\n--- not a document\n",
  "|\n>\n  nested indicators\n",
  "#comment first\n  # indented comment\n",
  "unicode ✓ 日本\n🎉\n",
  "crlf\r\nlines\r\n",
  "nul\0inside\n",
  "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n",
];

describe("YAML emitter", () => {
  test("hostile strings round-trip as map values, sequence items and map keys", () => {
    const all = [...HOSTILE, ...MULTILINE];
    expectRoundTrip(all.map((s) => ({ value: s })));
    expectRoundTrip([all]);
    expectRoundTrip(all.map((s) => [[s, "after"], { k: s, next: "after" }]));
    expectRoundTrip(HOSTILE.filter((s) => s.length < 1000).map((s) => ({ [s]: "v" })));
  });

  test("top-level scalars round-trip", () => {
    expectRoundTrip(["plain", "", "yes", "a\nb\n", 0, -7, 1.5, 1e21, 1e-7, true, false, null]);
  });

  test("other scalars and empty collections keep their types", () => {
    const doc: YamlValue = {
      ints: [0, 1, -1, 42, Number.MAX_SAFE_INTEGER, 1e21],
      floats: [0.5, -1.25, 1e-7, 123.456],
      flags: [true, false],
      nothing: null,
      emptySeq: [],
      emptyMap: {},
      nested: [[], {}, [[]], [{}], { a: [] }],
    };
    expectRoundTrip([doc]);
  });

  test("deep nesting of sequences, maps and literal blocks", () => {
    const text = "  indented first\nline\n\n";
    const doc: YamlValue = {
      a: [[[text, { b: [text, [text]] }]]],
      c: { d: { e: [{ f: text, g: [[text]] }] } },
    };
    expectRoundTrip([doc, [doc, [doc]]]);
  });

  test("undefined map entries are left out", () => {
    expect(toYaml({ a: 1, b: undefined, c: "x" })).toBe("a: 1\nc: x\n");
  });

  test("safe words stay plain; YAML 1.1 pitfalls are quoted", () => {
    expect(toYaml({ shell: "/bin/bash", user: "rum", path: "/etc/x.conf" })).toBe(
      "shell: /bin/bash\nuser: rum\npath: /etc/x.conf\n",
    );
    for (const s of [
      "yes",
      "off",
      "012",
      "0x1f",
      "1e3",
      ".inf",
      "52:54:00:12:34:56",
      "",
      "-x",
      "a ",
    ]) {
      expect(toYaml({ v: s })).toStartWith('v: "');
    }
  });

  test("literal blocks carry the chomping and indentation indicators", () => {
    expect(toYaml({ s: "a\nb" })).toBe("s: |-\n  a\n  b\n");
    expect(toYaml({ s: "a\nb\n" })).toBe("s: |\n  a\n  b\n");
    expect(toYaml({ s: "a\nb\n\n" })).toBe("s: |+\n  a\n  b\n\n");
    expect(toYaml({ s: " a\nb\n" })).toBe("s: |2\n   a\n  b\n");
    expect(toYaml(["a\n"])).toBe("- |\n  a\n");
  });

  test("characters a block can't hold force double quotes with escapes", () => {
    expect(toYaml({ s: "a\r\nb" })).toBe('s: "a\\r\\nb"\n');
    expect(toYaml({ s: "\0\u0007\u001b\u007f\u0085\u2028\ufeff" })).toBe(
      's: "\\0\\x07\\x1B\\x7F\\x85\\u2028\\uFEFF"\n',
    );
    expect(toYaml({ s: "ünï 🎉" })).toBe('s: "ünï 🎉"\n');
  });
});
