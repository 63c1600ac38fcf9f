/**
 * `[env]` plus, with `[network] proxy = "host"`, this host's proxy variables, as the
 * seed carries them. Each proxy variable reaches the guest in both cases (programs
 * read either); a host value that could not arrive whole (newline, `#`) is left out
 * with a warning rather than cut.
 */
import type { Config } from "../config/schema";
import type { SeedEnv } from "../seed/cloudinit/input";

const PROXY_VARS = ["http_proxy", "https_proxy", "no_proxy"] as const;
const UNSAFE = /[\0\n\r#]/;

export function seedEnv(
  config: Pick<Config, "env" | "network">,
  hostEnv: Record<string, string | undefined>,
  warn: (message: string) => void,
): SeedEnv | undefined {
  const vars: Record<string, string> = {};
  let aptProxy: SeedEnv["aptProxy"];
  if (config.network.proxy === "host") {
    for (const name of PROXY_VARS) {
      const upper = name.toUpperCase();
      const value = hostEnv[name] ?? hostEnv[upper];
      if (value === undefined || value === "") continue;
      if (UNSAFE.test(value)) {
        warn(`${name} of this host holds a newline or #; it is not passed to the guest`);
        continue;
      }
      vars[name] = value;
      vars[upper] = value;
    }
    const http = vars.http_proxy;
    const https = vars.https_proxy;
    if (http || https) aptProxy = { ...(http ? { http } : {}), ...(https ? { https } : {}) };
  }
  // [env] last: a variable set there wins over the host's.
  Object.assign(vars, config.env);
  if (Object.keys(vars).length === 0 && !aptProxy) return undefined;
  return { vars, ...(aptProxy ? { aptProxy } : {}) };
}
