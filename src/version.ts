// Baked in by build.ts (`define`); a source checkout run by `bun src/main.ts` has neither.
declare const RUM_VERSION: string | undefined;
declare const RUM_REVISION: string | undefined;

export const version: string = typeof RUM_VERSION === "string" ? RUM_VERSION : "0.0.0-dev";
export const revision: string = typeof RUM_REVISION === "string" ? RUM_REVISION : "unknown";
