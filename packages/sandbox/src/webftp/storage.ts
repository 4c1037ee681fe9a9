/**
 * The sandbox's object storage: one temp directory (under the OS temp dir, removed on close)
 * holding the bytes of webftp transfers and the big files they put in servers' filesystems.
 * Bytes always stream to and from disk, so a 1 GiB transfer never sits in memory.
 *
 * Files here are written once and never changed: a VFS node may keep pointing at one (`ref`)
 * after its transfer is forgotten, and a later upload to the same path gets a new file (the
 * old one is removed once no file and no live transfer points at it: agent.ts).
 */
import { createWriteStream } from "node:fs";
import { mkdtemp, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

export class TransferStorage {
  private dir: Promise<string> | undefined;
  private counter = 0;
  private closed = false;

  /** A fresh, unused file path; the directory is created on first use. */
  async newPath(prefix: string): Promise<string> {
    if (this.closed) throw new Error("The sandbox storage is closed.");
    this.dir ??= mkdtemp(join(tmpdir(), "alpacon-sandbox-"));
    const dir = await this.dir;
    this.counter++;
    return join(dir, `${prefix}-${this.counter}`);
  }

  /** Streams `source` into a new file; resolves with its path and size, removes it on failure. */
  async receive(
    source: Readable,
    prefix: string,
    limit?: number,
  ): Promise<{ path: string; size: number }> {
    const path = await this.newPath(prefix);
    let size = 0;
    const count = async function* (input: AsyncIterable<Buffer>) {
      for await (const chunk of input) {
        size += chunk.length;
        if (limit !== undefined && size > limit) throw new TruncatedError();
        yield chunk;
      }
    };
    try {
      await pipeline(source, count, createWriteStream(path));
    } catch (error) {
      await unlink(path).catch(() => undefined);
      throw error;
    }
    return { path, size };
  }

  /** Writes bytes already in memory (a small VFS file being downloaded) to a new file. */
  async store(data: Uint8Array, prefix: string): Promise<{ path: string; size: number }> {
    const path = await this.newPath(prefix);
    await writeFile(path, data);
    return { path, size: data.length };
  }

  /** Forgets a file nobody points at any more. */
  async remove(path: string): Promise<void> {
    await unlink(path).catch(() => undefined);
  }

  /** Deletes the directory and everything in it. */
  async close(): Promise<void> {
    this.closed = true;
    const dir = this.dir;
    this.dir = undefined;
    if (dir === undefined) return;
    const path = await dir.catch(() => undefined);
    if (path !== undefined) await rm(path, { recursive: true, force: true });
  }
}

/** The body went past the byte count the transfer was allowed (fault injection). */
export class TruncatedError extends Error {
  override readonly name = "TruncatedError";
}
