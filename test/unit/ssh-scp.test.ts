/**
 * scpArgv against a real OpenSSH server on loopback. The "guest" is this machine, so the
 * guest side of each copy can be checked directly on disk.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "pathe";
import { type CopyPath, scpArgv } from "../../src/guest/ssh-argv";
import { masterPid } from "../support/ssh-master";
import { type FakeGuest, startFakeGuest } from "../support/sshd";

let tmp: string;
let guest: FakeGuest;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "rum-scp-"));
  guest = await startFakeGuest(join(tmp, "state", "rum-scp-1234abcd"));
});

afterAll(async () => {
  await guest?.stop();
  await rm(tmp, { recursive: true, force: true });
});

const host = (path: string): CopyPath => ({ side: "host", path });
const inGuest = (path: string): CopyPath => ({ side: "guest", path });

async function scp(sources: CopyPath[], dest: CopyPath, recursive = false, cwd = tmp) {
  const child = Bun.spawn(scpArgv(guest.target, sources, dest, { recursive }), {
    cwd,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stderr, code] = await Promise.all([new Response(child.stderr).text(), child.exited]);
  expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
}

/** Every file under `dir` (relative path → contents), for comparing trees. */
async function tree(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    files.set(relative(dir, full), await readFile(full));
  }
  return files;
}

describe("scp through the pinned connection", () => {
  test("a file goes to the guest and comes back byte-exact (blanks in the names)", async () => {
    const data = randomBytes(3 * 1024 * 1024 + 7);
    const local = join(tmp, "up load.bin");
    await writeFile(local, data);
    const guestPath = join(tmp, "guest side", "in box.bin");
    await mkdir(join(tmp, "guest side"));

    await scp([host(local)], inGuest(guestPath));
    expect((await readFile(guestPath)).equals(data)).toBe(true);

    const back = join(tmp, "down load.bin");
    await scp([inGuest(guestPath)], host(back));
    expect((await readFile(back)).equals(data)).toBe(true);
    // scp rode on the master that its first call started.
    expect(await masterPid(guest.target)).toBeNumber();
  });

  test("a directory tree both ways with -r", async () => {
    const src = join(tmp, "project");
    const files: Record<string, Buffer> = {
      "README.md": Buffer.from("# hello\n"),
      "src/main.ts": randomBytes(4096),
      "src/deep/er/blob.bin": randomBytes(200_000),
      "with space/it's.txt": Buffer.from("quote'd\n"),
      "empty.txt": Buffer.alloc(0),
    };
    for (const [name, data] of Object.entries(files)) {
      await mkdir(join(src, name, ".."), { recursive: true });
      await writeFile(join(src, name), data);
    }
    const guestCopy = join(tmp, "guest tree");
    await scp([host(src)], inGuest(guestCopy), true);
    expect(await tree(guestCopy)).toEqual(await tree(src));

    const hostCopy = join(tmp, "returned");
    await scp([inGuest(guestCopy)], host(hostCopy), true);
    expect(await tree(hostCopy)).toEqual(await tree(src));
    expect((await stat(join(hostCopy, "src", "deep", "er"))).isDirectory()).toBe(true);
  });

  test("relative local names with a colon stay local; several sources into a guest dir", async () => {
    await writeFile(join(tmp, "notes:v2.txt"), "colon\n");
    await writeFile(join(tmp, "-dash.txt"), "dash\n");
    const dest = join(tmp, "multi");
    await mkdir(dest);
    await scp([host("notes:v2.txt"), host("-dash.txt")], inGuest(`${dest}/`));
    expect(await readFile(join(dest, "notes:v2.txt"), "utf8")).toBe("colon\n");
    expect(await readFile(join(dest, "-dash.txt"), "utf8")).toBe("dash\n");
  });
});
