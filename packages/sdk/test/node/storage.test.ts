import { randomBytes } from "node:crypto";
import { truncateSync } from "node:fs";
import { readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AbortedError, ConnectionError, TimeoutError } from "../../src/index.js";
import { downloadFile, LocalFileError, uploadFile } from "../../src/node.js";
import { openFilesNamed } from "../helpers/open-files.js";
import { useSdkSandbox } from "../helpers/sandbox.js";
import { useTempDir } from "../helpers/temp-dir.js";

const env = useSdkSandbox({ servers: 2 });
const MIB = 1024 * 1024;
const dir = useTempDir("alpacon-storage-test-");

afterEach(() => {
  env.sandbox.control.clearFaults();
});

function server() {
  return env.serverIds(1)[0]!;
}

/** Uploads `size` random bytes to `remotePath`; answers them. */
async function remoteFile(remotePath: string, size: number): Promise<Buffer> {
  const bytes = randomBytes(size);
  const local = join(dir(), `source-${randomBytes(4).toString("hex")}`);
  await writeFile(local, bytes);
  await uploadFile(env.client(), { server: server(), localPath: local, remotePath });
  await rm(local);
  return bytes;
}

/** Names in the test directory that start with `marker` (the target or its .part file). */
async function leftovers(marker: string): Promise<string[]> {
  return (await readdir(dir())).filter((name) => name.startsWith(marker));
}

describe("downloadFile to disk", () => {
  it.each([
    ["shorter than one write batch", 100 * 1024 + 3],
    ["several write batches and a remainder", 3 * MIB + 5],
  ])("writes a file %s byte for byte, reporting progress up to its size", async (_, size) => {
    const bytes = await remoteFile("/tmp/storage-test.bin", size);
    const target = join(dir(), `down-${size}.bin`);
    const seen: number[] = [];
    const result = await downloadFile(env.client(), {
      server: server(),
      remotePath: "/tmp/storage-test.bin",
      localPath: target,
      onProgress: ({ bytes: done, total }) => {
        expect(total).toBe(size);
        seen.push(done);
      },
    });
    expect(result.bytes).toBe(size);
    expect((await readFile(target)).equals(bytes)).toBe(true);
    expect((await stat(target)).mode & 0o777).toBe(0o600);
    expect(seen.at(-1)).toBe(size);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  it("writes an empty file", async () => {
    await remoteFile("/tmp/storage-empty.bin", 0);
    const target = join(dir(), "empty.bin");
    const result = await downloadFile(env.client(), {
      server: server(),
      remotePath: "/tmp/storage-empty.bin",
      localPath: target,
    });
    expect(result.bytes).toBe(0);
    expect((await stat(target)).size).toBe(0);
  });
});

describe("downloadFile failures leave no file and no open descriptor", () => {
  it("a body cut mid-way is a connection error", async () => {
    await remoteFile("/tmp/storage-cut.bin", 4 * MIB);
    env.sandbox.control.addFault({
      kind: "truncate",
      path: "/storage/downloads/*",
      method: "GET",
      bytes: 2 * MIB + 1,
    });
    const marker = `cut-${randomBytes(4).toString("hex")}`;
    const error = await downloadFile(env.client(), {
      server: server(),
      remotePath: "/tmp/storage-cut.bin",
      localPath: join(dir(), `${marker}.bin`),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toMatch(/GET <download_url>/);
    expect(await leftovers(marker)).toEqual([]);
    expect(openFilesNamed(marker)).toBe(0);
  });

  it("a storage server that never answers ends after the client timeout", async () => {
    await remoteFile("/tmp/storage-stall.bin", MIB);
    env.sandbox.control.addFault({ kind: "stall", path: "/storage/downloads/*", method: "GET" });
    const marker = `stall-${randomBytes(4).toString("hex")}`;
    const started = performance.now();
    const error = await downloadFile(env.client({ timeoutMs: 300 }), {
      server: server(),
      remotePath: "/tmp/storage-stall.bin",
      localPath: join(dir(), `${marker}.bin`),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(await leftovers(marker)).toEqual([]);
    expect(openFilesNamed(marker)).toBe(0);
  });

  it("an abort midway stops the download", async () => {
    await remoteFile("/tmp/storage-abort.bin", 16 * MIB);
    const controller = new AbortController();
    const marker = `abort-${randomBytes(4).toString("hex")}`;
    const error = await downloadFile(env.client(), {
      server: server(),
      remotePath: "/tmp/storage-abort.bin",
      localPath: join(dir(), `${marker}.bin`),
      signal: controller.signal,
      onProgress: ({ bytes }) => {
        if (bytes >= 2 * MIB) controller.abort();
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortedError);
    expect(await leftovers(marker)).toEqual([]);
    expect(openFilesNamed(marker)).toBe(0);
  });
});

describe("uploadFile from disk", () => {
  it("sends a file of several reused read buffers byte for byte", async () => {
    const bytes = await remoteFile("/tmp/storage-up.bin", 5 * MIB + 7);
    const back = join(dir(), "up-back.bin");
    await downloadFile(env.client(), {
      server: server(),
      remotePath: "/tmp/storage-up.bin",
      localPath: back,
    });
    expect((await readFile(back)).equals(bytes)).toBe(true);
  });

  it("refuses a file that shrinks while it is sent, instead of sending what is not there", async () => {
    const local = join(dir(), "shrinking.bin");
    await writeFile(local, randomBytes(4 * MIB));
    const upload = uploadFile(env.client(), {
      server: server(),
      localPath: local,
      remotePath: "/tmp/storage-shrink.bin",
      onProgress: () => truncateSync(local, 10),
    });
    await expect(upload).rejects.toBeInstanceOf(LocalFileError);
    await expect(upload).rejects.toThrow(/changed on disk/);
  });
});
