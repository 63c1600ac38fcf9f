/**
 * Rules for `[network]`, its interfaces and `[[ports]]`: a hostname that is
 * RFC 1123, NICs that name exactly one network or bridge, IPv4 reservations,
 * a VM that has some network when rum waits for an address, and host ports
 * that can all be bound at once.
 */

import { hostnameProblem, isIPv4, isIPv6 } from "./net";
import { formatPath, type Problem } from "./problems";
import type { Rule } from "./rule";

/** Linux interface names are at most 15 bytes (IFNAMSIZ - 1). */
const MAX_BRIDGE = 15;
const WILDCARD = new Set(["0.0.0.0", "::"]);

const hostnameRule: Rule = {
  reads: ["network.hostname", "name"],
  check(config, ctx) {
    const explicit = config.network.hostname;
    const problem = hostnameProblem(explicit ?? ctx.name);
    if (!problem) return [];
    return explicit === undefined
      ? [
          {
            path: ["name"],
            message: `cannot be the hostname: it ${problem}; set [network] hostname`,
          },
        ]
      : [{ path: ["network", "hostname"], message: problem }];
  },
};

const interfacesRule: Rule = {
  reads: ["network"],
  check(config) {
    const { nat, wait_for_ip, interfaces } = config.network;
    const problems: Problem[] = [];
    if (!nat && interfaces.length === 0 && wait_for_ip) {
      problems.push({
        path: ["network", "nat"],
        message:
          "is false and there are no [[network.interfaces]]: the VM would have no network (add an interface, or set wait_for_ip = false)",
      });
    }
    interfaces.forEach((nic, i) => {
      const at = ["network", "interfaces", i];
      if ((nic.network === undefined) === (nic.bridge === undefined)) {
        problems.push({ path: at, message: "set exactly one of network or bridge" });
      }
      if (
        nic.bridge !== undefined &&
        (nic.bridge.length > MAX_BRIDGE || /[\s/:]/.test(nic.bridge))
      ) {
        problems.push({
          path: [...at, "bridge"],
          message: `must be a host interface name (at most ${MAX_BRIDGE} characters, no spaces, '/' or ':')`,
        });
      }
      if (nic.ip !== undefined) {
        if (!isIPv4(nic.ip)) {
          problems.push({
            path: [...at, "ip"],
            message: "must be an IPv4 address like 192.168.100.10",
          });
        } else if (nic.network === undefined) {
          problems.push({
            path: [...at, "ip"],
            message: "needs network: a fixed address is a DHCP reservation on a libvirt network",
          });
        }
      }
    });
    return problems;
  },
};

const portsRule: Rule = {
  reads: ["ports"],
  check(config) {
    const problems: Problem[] = [];
    const bound: { bind: string; host: number; index: number }[] = [];
    config.ports.forEach((p, i) => {
      const bind = p.bind === "localhost" ? "127.0.0.1" : p.bind;
      if (!isIPv4(bind) && !isIPv6(bind)) {
        problems.push({
          path: ["ports", i, "bind"],
          message: "must be an IPv4 or IPv6 address, or localhost",
        });
        return;
      }
      const clash = bound.find(
        (b) => b.host === p.host && (b.bind === bind || WILDCARD.has(b.bind) || WILDCARD.has(bind)),
      );
      if (clash) {
        problems.push({
          path: ["ports", i, "host"],
          message: `port ${p.host} on ${p.bind} is already forwarded by ${formatPath(["ports", clash.index])}`,
        });
      } else bound.push({ bind, host: p.host, index: i });
    });
    return problems;
  },
};

export const networkRules: readonly Rule[] = [hostnameRule, interfacesRule, portsRule];
