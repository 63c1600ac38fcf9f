/**
 * What citty gets when it imports `consola` or `consola/utils` in the built
 * binary (build.ts redirects it here). citty logs and colours only in runMain
 * and showUsage, which rum never calls (its help is cli/help.ts), while the
 * real consola makes a logger as it loads, building process.stdout and
 * process.stderr: several milliseconds of every command's start-up.
 */
const absent = (): never => {
  throw new Error("bug: citty's logger was used; rum's help and errors are its own");
};

export default new Proxy({}, { get: absent });
export const colors = new Proxy({}, { get: absent });
