import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { link, lstat, mkdir, readdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { describe, expect, it } from "vitest";
import yazl from "yazl";
import { AbortedError } from "../../src/index.js";
import { ExtractLimitError, extractZip } from "../../src/node.js";
import { destAndOutside } from "../helpers/places.js";
import { useTempDir } from "../helpers/temp-dir.js";

const base = useTempDir("alpacon-zip-test-");
const MIB = 1024 * 1024;

/** A destination, an "outside" directory next to it, and where the zip goes. */
async function places(): Promise<{ dest: string; outside: string; zip: string }> {
  const { root, dest, outside } = await destAndOutside(base());
  return { dest, outside, zip: join(root, "in.zip") };
}

/** Writes a zip of `entries` (a name ending in / is a folder). */
async function makeZip(
  path: string,
  entries: ReadonlyArray<readonly [string, Buffer | string]>,
): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const [name, data] of entries) {
    if (name.endsWith("/")) zip.addEmptyDirectory(name);
    // Random bytes do not compress: storing them keeps the test fast.
    else
      zip.addBuffer(Buffer.from(data), name, {
        compress: typeof data === "string" || isZeros(data),
      });
  }
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(path));
}

function isZeros(data: Buffer): boolean {
  return data.length > 0 && data[0] === 0 && data.at(-1) === 0;
}

describe("extractZip never writes through what is already in the destination", () => {
  it("refuses a symbolic-link entry, keeping nothing of the zip", async () => {
    const { dest, outside, zip } = await places();
    const file = new yazl.ZipFile();
    file.addBuffer(Buffer.from("fine"), "a.txt");
    // What `zip -y` stores for a link: the target as content, mode S_IFLNK.
    file.addBuffer(Buffer.from(join(outside, "secret")), "link", { mode: 0o120777 });
    file.end();
    await pipeline(file.outputStream, createWriteStream(zip));
    await expect(extractZip(zip, dest)).rejects.toThrow(/entry "link" is a symbolic link/);
    expect(await readdir(dest)).toEqual([]);
  });

  it("refuses a symlinked directory that leads outside, writing nothing there", async () => {
    const { dest, outside, zip } = await places();
    await symlink(outside, join(dest, "conf"));
    await makeZip(zip, [["conf/evil.txt", "pwned"]]);
    await expect(extractZip(zip, dest)).rejects.toThrow(/conf is a symbolic link/);
    expect(await readdir(outside)).toEqual([]);
  });

  it("replaces a dangling symlink instead of creating its target outside", async () => {
    const { dest, outside, zip } = await places();
    await symlink(join(outside, "created.txt"), join(dest, "new.txt"));
    await makeZip(zip, [["new.txt", "inside"]]);
    expect(await extractZip(zip, dest)).toEqual([join(dest, "new.txt")]);
    expect(await readdir(outside)).toEqual([]);
    expect((await lstat(join(dest, "new.txt"))).isFile()).toBe(true);
    expect(await readFile(join(dest, "new.txt"), "utf8")).toBe("inside");
  });

  it("replaces a hard link's name, leaving the outside file's content as it was", async () => {
    const { dest, outside, zip } = await places();
    await writeFile(join(outside, "victim.txt"), "original");
    await link(join(outside, "victim.txt"), join(dest, "hard.txt"));
    await makeZip(zip, [["hard.txt", "overwritten"]]);
    await extractZip(zip, dest);
    expect(await readFile(join(outside, "victim.txt"), "utf8")).toBe("original");
    expect(await readFile(join(dest, "hard.txt"), "utf8")).toBe("overwritten");
  });

  it("answers at once for a FIFO in the destination, and leaves it alone", async () => {
    const { dest, zip } = await places();
    execFileSync("mkfifo", [join(dest, "pipe")]);
    await makeZip(zip, [
      ["a.txt", "a"],
      ["pipe", "data"],
    ]);
    await expect(extractZip(zip, dest)).rejects.toThrow(/pipe exists and is not a regular file/);
    expect((await lstat(join(dest, "pipe"))).isFIFO()).toBe(true);
    // All or nothing: a.txt came before the refusal and is not kept either.
    expect(await readdir(dest)).toEqual(["pipe"]);
  }, 5_000);

  it("still extracts into directories and files that are really there", async () => {
    const { dest, zip } = await places();
    await mkdir(join(dest, "sub"));
    await writeFile(join(dest, "sub", "old.txt"), "old");
    await makeZip(zip, [
      ["site/", ""],
      ["site/sub/old.txt", "new"],
      ["site/index.html", "<h1>hi</h1>"],
    ]);
    const files = await extractZip(zip, dest, { stripFolder: "site" });
    expect(files.sort()).toEqual([join(dest, "index.html"), join(dest, "sub", "old.txt")]);
    expect(await readFile(join(dest, "sub", "old.txt"), "utf8")).toBe("new");
    expect((await readdir(dest)).sort()).toEqual(["index.html", "sub"]);
  });
});

describe("extractZip against a directory swapped for a link while it runs", () => {
  it("never leaves a file outside, whatever the timing", async () => {
    const { dest, outside, zip } = await places();
    await makeZip(
      zip,
      Array.from({ length: 30 }, (_, i) => [`sub/f${i}.txt`, `file ${i}`] as const),
    );
    await mkdir(join(dest, "sub"));
    await symlink(outside, join(dest, "sublink"));
    // Another process flips dest/sub between the real directory and a link to `outside`.
    const flipper = spawn(
      process.execPath,
      [
        "-e",
        `const fs = require("node:fs"); process.chdir(${JSON.stringify(dest)});
         for (;;) {
           try { fs.renameSync("sub", "subreal"); fs.renameSync("sublink", "sub"); } catch {}
           try { fs.renameSync("sub", "sublink"); fs.renameSync("subreal", "sub"); } catch {}
         }`,
      ],
      { stdio: "ignore" },
    );
    try {
      for (let i = 0; i < 15; i++) {
        await extractZip(zip, dest).catch(() => undefined);
        expect(await readdir(outside)).toEqual([]);
      }
    } finally {
      flipper.kill();
    }
  }, 60_000);
});

describe("extractZip limits", () => {
  it("refuses a zip bomb by its compression ratio, leaving nothing behind", async () => {
    const { dest, zip } = await places();
    // 64 MiB of zeros deflate to about 64 KiB: a ratio near 1000.
    await makeZip(zip, [
      ["ok.txt", "fine"],
      ["bomb/zeros.bin", Buffer.alloc(64 * MIB)],
    ]);
    const error = await extractZip(zip, dest).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ExtractLimitError);
    expect((error as Error).message).toMatch(/expands \d+ times, over the limit of 200/);
    expect(await readdir(dest)).toEqual([]);
  });

  it("caps the total bytes actually written", async () => {
    const { dest, zip } = await places();
    await makeZip(zip, [
      ["one.bin", randomBytes(MIB)],
      ["two.bin", randomBytes(MIB)],
    ]);
    await expect(extractZip(zip, dest, { maxBytes: 1.5 * MIB })).rejects.toThrow(
      /would write more than 2 MiB|would write more than/,
    );
    expect(await readdir(dest)).toEqual([]);
  });

  it("caps the number of entries before writing any", async () => {
    const { dest, zip } = await places();
    await makeZip(
      zip,
      Array.from({ length: 20 }, (_, i) => [`f${i}.txt`, "x"] as const),
    );
    await expect(extractZip(zip, dest, { maxEntries: 10 })).rejects.toThrow(
      /holds 20 entries, over the limit of 10/,
    );
    expect(await readdir(dest)).toEqual([]);
  });

  it("a raised limit lets a trusted, highly compressible zip through", async () => {
    const { dest, zip } = await places();
    await makeZip(zip, [["zeros.bin", Buffer.alloc(8 * MIB)]]);
    await extractZip(zip, dest, { maxRatio: Number.POSITIVE_INFINITY });
    expect((await lstat(join(dest, "zeros.bin"))).size).toBe(8 * MIB);
  });
});

describe("extractZip cancellation", () => {
  it("an abort ends the extraction and removes what it wrote", async () => {
    const { dest, zip } = await places();
    await makeZip(
      zip,
      Array.from({ length: 40 }, (_, i) => [`dir/f${i}.bin`, randomBytes(MIB)] as const),
    );
    const controller = new AbortController();
    const pending = extractZip(zip, dest, { signal: controller.signal });
    // Abort as soon as the first file is being written.
    while (!(await readdir(join(dest, "dir")).catch(() => [])).length) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    const started = Date.now();
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortedError);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await readdir(dest)).toEqual([]);
  }, 20_000);
});
