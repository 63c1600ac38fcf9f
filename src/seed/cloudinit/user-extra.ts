/**
 * The user's own user-data (`[cloud_init]`): a `#cloud-config` document merged
 * into rum's, or a `#!` script sent as a second MIME part. Keys rum relies on
 * (its user, keys, hostname, network, provisioning files) are refused rather
 * than merged, so a user document can add to the guest but not break rum.
 */
import { posix } from "node:path";
import {
  AUTOLOGIN_DROP_IN,
  BOOT_UNIT_PATH,
  GUEST_LIB_DIR,
  GUEST_LOG_DIR,
  GUEST_RUN_DIR,
  GUEST_STATE_DIR,
  LOGIN_DIR_PROFILE,
} from "./guest-paths";
import type { YamlMap, YamlValue } from "./yaml";
import { ambiguousScalars } from "./yaml-compat";

export type ExtraUserData =
  | { kind: "cloud-config"; doc: YamlMap }
  | { kind: "script"; text: string };

export interface ExtraProblem {
  /** Where in the document: top-level key, then list index and key. */
  path: (string | number)[];
  /** 1-based line in the document, when known. */
  line?: number;
  message: string;
}

const USER = "rum creates its user with its SSH keys: use [user] and [ssh] authorized_keys";
const HOST_KEY = "rum installs the SSH host key it pinned before the first boot";
const HOSTNAME = "rum sets the hostname: use [network] hostname";
/** Top-level keys rum sets and relies on, and why a user document may not set them. */
export const RESERVED_KEYS: Readonly<Record<string, string>> = {
  users: USER,
  ssh_authorized_keys: USER,
  disable_root: "rum keeps root login over SSH off",
  ssh_pwauth: "rum keeps SSH key-only",
  ssh_keys: HOST_KEY,
  ssh_deletekeys: HOST_KEY,
  ssh_genkeytypes: HOST_KEY,
  hostname: HOSTNAME,
  fqdn: HOSTNAME,
  preserve_hostname: HOSTNAME,
  prefer_fqdn_over_hostname: HOSTNAME,
  manage_etc_hosts: "rum adds the hostname's line to /etc/hosts",
  network: "rum writes the network config from [network]",
  merge_how: "rum merges your document into its own (lists are appended after rum's)",
  merge_type: "rum merges your document into its own (lists are appended after rum's)",
};

/** Lists appended after rum's entries (rum's first-boot steps run before the user's). */
const LIST_KEYS = new Set(["bootcmd", "runcmd", "write_files", "packages"]);
const RUM_DIRS = [GUEST_LIB_DIR, GUEST_LOG_DIR, GUEST_RUN_DIR, GUEST_STATE_DIR];
const RUM_FILES = new Set([BOOT_UNIT_PATH, AUTOLOGIN_DROP_IN, LOGIN_DIR_PROFILE]);

function lineOf(lines: string[], test: (line: string) => boolean): number | undefined {
  const i = lines.findIndex(test);
  return i < 0 ? undefined : i + 1;
}

/** Bun.YAML's result as emitter input; undefined for what YAML text cannot round-trip. */
function yamlValue(v: unknown): YamlValue | undefined {
  if (v === null || typeof v === "string" || typeof v === "boolean") return v;
  if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
  if (Array.isArray(v)) {
    const items = v.map(yamlValue);
    return items.every((x) => x !== undefined) ? (items as YamlValue[]) : undefined;
  }
  if (typeof v === "object") {
    const out: Record<string, YamlValue> = {};
    for (const [k, x] of Object.entries(v)) {
      const item = yamlValue(x);
      if (item === undefined) return undefined;
      out[k] = item;
    }
    return out;
  }
  return undefined;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");

function isMap(v: YamlValue | undefined): v is YamlMap {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function rumPath(path: unknown): boolean {
  if (typeof path !== "string") return false;
  const p = posix.normalize(path);
  return RUM_FILES.has(p) || RUM_DIRS.some((d) => p === d || p.startsWith(`${d}/`));
}

function keyProblems(doc: YamlMap, lines: string[]): ExtraProblem[] {
  const problems: ExtraProblem[] = [];
  for (const [key, value] of Object.entries(doc)) {
    const line = lineOf(lines, (l) => new RegExp(`^["']?${escapeRegExp(key)}["']?\\s*:`).test(l));
    const why = RESERVED_KEYS[key];
    if (why) problems.push({ path: [key], line, message: `is set by rum: ${why}` });
    else if (LIST_KEYS.has(key) && !Array.isArray(value))
      problems.push({ path: [key], line, message: "must be a list (it is appended to rum's)" });
  }
  const files = doc.write_files;
  if (Array.isArray(files))
    files.forEach((f: YamlValue, i) => {
      const path = isMap(f) ? f.path : undefined;
      if (rumPath(path))
        problems.push({
          path: ["write_files", i, "path"],
          line: lineOf(lines, (l) => l.includes(String(path))),
          message: `${String(path)} belongs to rum's provisioning and shares: write elsewhere`,
        });
    });
  return problems;
}

/** Parse and check the user's text; `extra` is set only when there are no problems. */
export function parseExtraUserData(text: string): {
  extra?: ExtraUserData;
  problems: ExtraProblem[];
} {
  if (text.startsWith("#!")) return { extra: { kind: "script", text }, problems: [] };
  const first = text.split("\n", 1)[0]?.trimEnd();
  if (first !== "#cloud-config")
    return {
      problems: [
        { path: [], line: 1, message: "must start with a #cloud-config line or a #! script line" },
      ],
    };
  let parsed: unknown;
  try {
    parsed = Bun.YAML.parse(text);
  } catch (e) {
    return { problems: [{ path: [], message: `is not valid YAML: ${(e as Error).message}` }] };
  }
  parsed ??= {};
  const doc = yamlValue(parsed);
  if (!isMap(doc))
    return {
      problems: [
        { path: [], message: "must be one YAML mapping (key: value lines) of finite values" },
      ],
    };
  const problems = keyProblems(doc, text.split("\n"));
  for (const a of ambiguousScalars(text))
    problems.push({
      path: [],
      line: a.line,
      message: `\`${a.text}\` reads as ${a.reading} in cloud-init's YAML 1.1, as something else in YAML 1.2: quote it`,
    });
  return problems.length > 0 ? { problems } : { extra: { kind: "cloud-config", doc }, problems };
}

/** rum's document with the user's keys added: lists appended, package_update/upgrade replaced. */
export function mergeCloudConfig(rum: YamlMap, user: YamlMap): YamlMap {
  const merged: Record<string, YamlValue | undefined> = { ...rum };
  for (const [key, value] of Object.entries(user)) {
    const mine = merged[key];
    merged[key] =
      LIST_KEYS.has(key) && Array.isArray(mine) && Array.isArray(value)
        ? [...mine, ...value]
        : value;
  }
  return merged;
}
