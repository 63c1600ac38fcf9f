/**
 * What a test needs from the machine (a tool, root, libvirt, a tmpfs). On a
 * developer's machine a missing piece skips the test and says why; under
 * CI=true it fails the run, so no test can pass by skipping what it proves.
 */
export function present(what: string, ok: boolean): boolean {
  if (ok) return true;
  if (process.env.CI) {
    throw new Error(`CI=true but ${what} is missing: the tests that need it must not be skipped`);
  }
  console.warn(`skipping tests that need ${what}`);
  return false;
}
