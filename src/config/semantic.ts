/**
 * The checks typebox cannot express, run after the schema has passed. Each
 * rule names the top-level keys it reads and is skipped when one of them
 * already failed the schema, so rules can trust the types and the user
 * still sees every independent problem at once.
 */
import { didYouMean } from "../util/suggest";
import { NAME_PATTERN, sanitizeName } from "./identity";
import type { KeyPath, Problem } from "./problems";
import type { Rule, RuleContext } from "./rule";
import { archRule } from "./rules-arch";
import { driveRules } from "./rules-drives";
import { imageRule } from "./rules-image";
import { mountRules } from "./rules-mounts";
import { networkRules } from "./rules-network";
import type { Config } from "./schema";
import { sizeBytes } from "./size";

export { mountTag, targetProblem } from "./rules-mounts";
export { formatSize, parseSize } from "./size";

const MIN_DISK = 2 ** 30;
const KEY_TYPES =
  "ssh-ed25519|ssh-rsa|ssh-dss|ecdsa-sha2-nistp(?:256|384|521)|sk-ssh-ed25519@openssh\\.com|sk-ecdsa-sha2-nistp256@openssh\\.com";
const PUBLIC_KEY = new RegExp(`^(?:${KEY_TYPES}) AAAA[A-Za-z0-9+/]+={0,3}(?: .*)?$`);
const URI = /^[a-z][a-z0-9+.-]*:\S*$/i;

const nameRule: Rule = {
  reads: ["name"],
  check(config) {
    if (config.name === undefined || NAME_PATTERN.test(config.name)) return [];
    const message = `must be 1–40 lowercase letters, digits or dashes, starting and ending with a letter or digit (try "${sanitizeName(config.name)}")`;
    return [{ path: ["name"], message }];
  },
};

const diskRule: Rule = {
  reads: ["resources.disk"],
  check(config) {
    const bytes = sizeBytes(config.resources.disk);
    if (bytes === undefined) return [{ path: ["resources", "disk"], message: "is too large" }];
    return bytes < MIN_DISK
      ? [{ path: ["resources", "disk"], message: "must be at least 1G" }]
      : [];
  },
};

const userRule: Rule = {
  reads: ["user.name"],
  check(config) {
    return config.user.name === "root"
      ? [
          {
            path: ["user", "name"],
            message: 'must not be "root": rum creates this user with sudo rights',
          },
        ]
      : [];
  },
};

const sshRule: Rule = {
  reads: ["ssh", "network.interfaces", "network.nat"],
  check(config) {
    const problems: Problem[] = [];
    config.ssh.authorized_keys.forEach((key, i) => {
      if (!PUBLIC_KEY.test(key.trim())) {
        problems.push({
          path: ["ssh", "authorized_keys", i],
          message: "must be an OpenSSH public key line such as ssh-ed25519 AAAA… comment",
        });
      }
    });
    if (config.ssh.command.trim() === "") {
      problems.push({ path: ["ssh", "command"], message: "must not be empty" });
    }
    const nic = config.ssh.interface;
    if (nic !== undefined) {
      const names = config.network.interfaces.flatMap((i) => [i.network, i.bridge]);
      const known = [...(config.network.nat ? ["default"] : []), ...names].filter(
        (n): n is string => n !== undefined,
      );
      if (!known.includes(nic)) {
        problems.push({
          path: ["ssh", "interface"],
          message: `names no interface of this VM${didYouMean(nic, known)} (known: ${known.join(", ") || "none"})`,
        });
      }
    }
    return problems;
  },
};

const advancedRule: Rule = {
  reads: ["advanced.libvirt_uri"],
  check(config) {
    return URI.test(config.advanced.libvirt_uri)
      ? []
      : [
          {
            path: ["advanced", "libvirt_uri"],
            message: "must be a libvirt URI such as qemu:///system or qemu+ssh://user@host/system",
          },
        ];
  },
};

const RULES: readonly Rule[] = [
  nameRule,
  imageRule,
  diskRule,
  userRule,
  sshRule,
  advancedRule,
  archRule,
  ...networkRules,
  ...mountRules,
  ...driveRules,
];

/** Problems from every rule whose inputs passed the schema (`failed`: key paths that did not). */
export function semanticProblems(
  config: Config,
  ctx: RuleContext,
  failed: readonly KeyPath[],
): Problem[] {
  const blocked = (key: string) => {
    const read = key.split(".");
    return failed.some((f) => {
      const n = Math.min(f.length, read.length);
      return f.slice(0, n).every((seg, i) => seg === read[i]);
    });
  };
  return RULES.filter((rule) => !rule.reads.some(blocked)).flatMap((rule) =>
    rule.check(config, ctx),
  );
}
