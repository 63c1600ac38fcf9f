// auto_forward's reading of the guest: `ss -Htln` lines → reachable ports, SSH and
// excluded ports left out, add/cancel diffs, and the snapshot stream of the guest loop.
import { describe, expect, test } from "bun:test";
import { diffPorts, parseListeners, snapshotReader, wantedPorts } from "../../src/watch/listeners";

const SS = `LISTEN 0      128          0.0.0.0:22         0.0.0.0:*
LISTEN 0      4096   127.0.0.53%lo:53         0.0.0.0:*
LISTEN 0      5            0.0.0.0:8123       0.0.0.0:*
LISTEN 0      511        127.0.0.1:3000       0.0.0.0:*
LISTEN 0      128             [::]:22            [::]:*
LISTEN 0      511                *:80               *:*
LISTEN 0      50     192.168.122.5:9000       0.0.0.0:*
LISTEN 0      50             [::1]:5432          [::]:*
LISTEN 0      50              [::]:6000          [::]:*
`;

describe("listeners", () => {
  test("only listeners reachable through the guest's 127.0.0.1", () => {
    expect([...parseListeners(SS)].sort((a, b) => a - b)).toEqual([22, 80, 3000, 6000, 8123]);
  });

  test("22 and the exclude list are never forwarded", () => {
    expect([...wantedPorts(parseListeners(SS), [3000])].sort((a, b) => a - b)).toEqual([
      80, 6000, 8123,
    ]);
  });

  test("garbage lines are skipped", () => {
    expect(
      parseListeners("\nnonsense\nLISTEN 0 1 0.0.0.0:99999 x\nLISTEN 0 1 0.0.0.0:abc x\n").size,
    ).toBe(0);
  });

  test("diff: what to add and what to cancel", () => {
    expect(diffPorts(new Set([80, 3000]), new Set([3000, 8123]))).toEqual({
      add: [8123],
      cancel: [80],
    });
  });

  test("snapshots split at `.` lines, across chunk borders, empty ones included", () => {
    const got: string[] = [];
    const feed = snapshotReader((t) => got.push(t));
    feed("LISTEN 0 1 0.0.0.0:80 x\nLIS");
    feed("TEN 0 1 0.0.0.0:81 x\n.");
    feed("\n.\nLISTEN 0 1 0.0.0.0:82 x\n.\nLISTEN");
    expect(got).toEqual([
      "LISTEN 0 1 0.0.0.0:80 x\nLISTEN 0 1 0.0.0.0:81 x\n",
      "",
      "LISTEN 0 1 0.0.0.0:82 x\n",
    ]);
  });
});
