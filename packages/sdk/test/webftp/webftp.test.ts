import { createReadStream, createWriteStream } from "node:fs";
import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { describe, expect, it } from "vitest";
import { AbortedError, ValidationError, WebftpTransferError } from "../../src/index.js";
import { downloadFile, uploadFile } from "../../src/node.js";
import { useSdkSandbox } from "../helpers/sandbox.js";
import { useTempDir } from "../helpers/temp-dir.js";

const env = useSdkSandbox({ servers: 4 });
const dir = useTempDir("alpacon-webftp-test-");

function server() {
  return env.serverIds(1)[0]!;
}

/** Deterministic bytes of any size, generated as a stream so the test holds none of them. */
function pattern(size: number): Readable {
  let sent = 0;
  const block = Buffer.alloc(1 << 20);
  for (let i = 0; i < block.length; i++) block[i] = (i * 31 + 7) & 0xff;
  return new Readable({
    read() {
      if (sent >= size) return this.push(null);
      const n = Math.min(block.length, size - sent);
      sent += n;
      this.push(block.subarray(0, n));
    },
  });
}

async function makeFile(name: string, size: number): Promise<string> {
  const path = join(dir(), name);
  await pipeline(pattern(size), createWriteStream(path));
  return path;
}

async function sameBytes(a: string, b: string): Promise<boolean> {
  if ((await stat(a)).size !== (await stat(b)).size) return false;
  const left = createReadStream(a, { highWaterMark: 1 << 20 });
  const right = createReadStream(b, { highWaterMark: 1 << 20 })[Symbol.asyncIterator]();
  let pending: Buffer = Buffer.alloc(0);
  for await (const chunk of left as AsyncIterable<Buffer>) {
    let offset = 0;
    while (offset < chunk.length) {
      if (pending.length === 0) {
        const next = await right.next();
        if (next.done) return false;
        pending = next.value as Buffer;
      }
      const n = Math.min(pending.length, chunk.length - offset);
      if (!chunk.subarray(offset, offset + n).equals(pending.subarray(0, n))) return false;
      offset += n;
      pending = pending.subarray(n);
    }
  }
  return pending.length === 0 && (await right.next()).done === true;
}

describe("upload and download round trips", () => {
  it.each([
    ["empty", 0],
    ["one byte", 1],
    ["10 MiB", 10 * 1024 * 1024],
  ])("returns %s byte for byte", async (label, size) => {
    const local = await makeFile(`${label}.bin`, size);
    const remotePath = `/tmp/${label.replace(/\s/g, "-")}.bin`;
    const up = await uploadFile(env.client(), { server: server(), localPath: local, remotePath });
    expect(up.bytes).toBe(size);
    const back = join(dir(), `${label}.back`);
    const down = await downloadFile(env.client(), {
      server: server(),
      remotePath,
      localPath: back,
    });
    expect(down.bytes).toBe(size);
    expect(await sameBytes(local, back)).toBe(true);
    expect((await stat(back)).mode & 0o777).toBe(0o600);
  });

  it("streams 256 MiB both ways with bounded memory, reporting progress", async () => {
    const size = 256 * 1024 * 1024;
    const local = await makeFile("big.bin", size);
    global.gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sample = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    let lastProgress = 0;
    try {
      await uploadFile(env.client(), {
        server: server(),
        localPath: local,
        remotePath: "/tmp/big.bin",
        onProgress: ({ bytes, total }) => {
          expect(total).toBe(size);
          lastProgress = bytes;
        },
      });
      const back = join(dir(), "big.back");
      await downloadFile(env.client(), {
        server: server(),
        remotePath: "/tmp/big.bin",
        localPath: back,
      });
      expect(await sameBytes(local, back)).toBe(true);
    } finally {
      clearInterval(sample);
    }
    expect(lastProgress).toBe(size);
    // The client and the in-process sandbox together stay far below the file size.
    expect(peak - baseline).toBeLessThan(96 * 1024 * 1024);
  }, 60_000);

  it("uploads from memory and downloads into any writable stream", async () => {
    const bytes = new TextEncoder().encode("in-memory content\n");
    await env
      .client()
      .webftp.upload({ server: server(), remotePath: "/tmp/mem.txt", source: bytes });
    const chunks: Uint8Array[] = [];
    const sink = new WritableStream<Uint8Array>({ write: (chunk) => void chunks.push(chunk) });
    const result = await env
      .client()
      .webftp.download({ server: server(), remotePath: "/tmp/mem.txt", destination: sink });
    expect(result.bytes).toBe(bytes.length);
    expect(Buffer.concat(chunks).toString()).toBe("in-memory content\n");
  });
});

describe("folders", () => {
  it("downloads a folder as a zip and extracts it", async () => {
    const client = env.client();
    await client.commands.run({
      servers: server(),
      line: "mkdir -p /tmp/bundle/sub && echo one > /tmp/bundle/a.txt && echo two > /tmp/bundle/sub/b.txt",
    });
    const target = join(dir(), "bundle");
    const result = await downloadFile(client, {
      server: server(),
      remotePath: "/tmp/bundle",
      resourceType: "folder",
      localPath: target,
      extract: true,
    });
    expect(result.files?.length).toBe(2);
    expect(await readFile(join(target, "a.txt"), "utf8")).toBe("one\n");
    expect(await readFile(join(target, "sub/b.txt"), "utf8")).toBe("two\n");
    expect((await readdir(target)).some((name) => name.endsWith(".zip"))).toBe(false);
  });
});

describe("failures", () => {
  it("reports the agent's refusal to overwrite", async () => {
    const local = join(dir(), "small.txt");
    await writeFile(local, "x");
    await uploadFile(env.client(), {
      server: server(),
      localPath: local,
      remotePath: "/tmp/keep.txt",
    });
    const error = await uploadFile(env.client(), {
      server: server(),
      localPath: local,
      remotePath: "/tmp/keep.txt",
      overwrite: false,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(WebftpTransferError);
    expect(error.message).toMatch(/already exists/);
  });

  it("reports a missing remote file and leaves no partial file behind", async () => {
    const target = join(dir(), "missing.txt");
    const error = await downloadFile(env.client(), {
      server: server(),
      remotePath: "/no/such/file",
      localPath: target,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(WebftpTransferError);
    expect(error.message).toMatch(/no such file or directory/i);
    expect((await readdir(dir())).some((name) => name.startsWith("missing.txt"))).toBe(false);
  });

  it("aborts a transfer midway", async () => {
    const local = await makeFile("abort.bin", 64 * 1024 * 1024);
    const controller = new AbortController();
    const error = await uploadFile(env.client(), {
      server: server(),
      localPath: local,
      remotePath: "/tmp/abort.bin",
      signal: controller.signal,
      onProgress: ({ bytes }) => {
        if (bytes > 8 * 1024 * 1024) controller.abort();
      },
    }).catch((e) => e);
    expect(error).toBeDefined();
    expect(error instanceof AbortedError || error.name === "AbortError").toBe(true);
  });

  it("refuses remote paths that name no file", async () => {
    await expect(
      env
        .client()
        .webftp.upload({ server: server(), remotePath: "/tmp/", source: new Uint8Array(1) }),
    ).rejects.toThrow(/must name a file/);
    expect(ValidationError).toBeDefined();
  });
});
