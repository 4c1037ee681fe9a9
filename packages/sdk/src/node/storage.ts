import { read } from "node:fs";
import {
  type ClientRequest,
  request as httpRequest,
  type IncomingMessage,
  type RequestOptions,
} from "node:http";
import { request as httpsRequest } from "node:https";
import { Readable, Transform } from "node:stream";
import { finished, pipeline } from "node:stream/promises";
import { promisify } from "node:util";
import { TimeoutError } from "../core/errors.js";
import type { StorageResult, StorageUpload, UploadSource } from "../core/transport.js";
import { LocalFileError, openRegularFile } from "./safe-fs.js";

// Large reads keep per-chunk costs small per byte on multi-gigabyte files; a few in flight keep
// the socket busy while the next one is read.
const FILE_CHUNK_BYTES = 1024 * 1024;
const PUMP_BUFFERS = 3;
// fs.read's own promise form: `{ bytesRead, buffer }`.
const readAt = promisify(read);

/**
 * PUT over node:http, piped from disk when the source is a file: the file is read only as fast
 * as the socket drains, with no web-stream layer in between. (Node's fetch also reads a
 * streamed body ahead of the socket, which would hold a large upload in memory.)
 */
export async function nodeStoragePut(request: StorageUpload): Promise<StorageResult> {
  const { url, source, signal, idleTimeoutMs } = request;
  const headers = { "content-length": String(source.size) };
  let sent = 0;
  const onChunk = (bytes: number) => {
    sent += bytes;
    request.onProgress?.({ bytes: sent, total: source.size });
  };
  const response = await send(url, { method: "PUT", headers }, signal, idleTimeoutMs, (put) =>
    source.fd !== undefined || source.path
      ? sendFile(source, put, onChunk)
      : pipeline(Readable.fromWeb(source.open() as WebReadable), counting(onChunk), put),
  );
  // finished() rather than "end": a response cut or timed out never ends, and must not hang.
  response.resume();
  await finished(response);
  const retryAfter = response.headers["retry-after"];
  return { status: response.statusCode ?? 0, bytes: sent, retryAfter };
}

type WebReadable = import("node:stream/web").ReadableStream<Uint8Array>;

/**
 * A file goes out through a few buffers allocated once and reused: each is read into while the
 * others are being written, and read into again only once the socket has taken its bytes.
 * A read stream allocates a fresh buffer per read instead, which the kernel maps and zeroes and
 * the garbage collector frees again, for every chunk of a multi-gigabyte file.
 */
async function sendFile(
  source: UploadSource,
  put: ClientRequest,
  onChunk: (bytes: number) => void,
): Promise<void> {
  // An open file is read from its start on every attempt, and stays open for the next (its
  // owner closes it). A path is opened and checked first: a FIFO or device is refused, never read.
  const opened = source.fd === undefined ? await openRegularFile(source.path!) : undefined;
  const fd = source.fd ?? opened!.handle.fd;
  try {
    await pump(fd, source.size, put, onChunk);
  } finally {
    await opened?.handle.close();
  }
}

async function pump(
  fd: number,
  size: number,
  put: ClientRequest,
  onChunk: (bytes: number) => void,
): Promise<void> {
  const failed = new Promise<never>((_, reject) => {
    put.once("error", reject);
    put.once("close", () => reject(new Error("the storage connection closed during the upload")));
  });
  failed.catch(() => undefined);
  const free = Array.from({ length: PUMP_BUFFERS }, () => Buffer.allocUnsafe(FILE_CHUNK_BYTES));
  const writing: Promise<Buffer>[] = [];
  for (let position = 0; position < size; ) {
    const buffer = free.pop() ?? (await Promise.race([writing.shift()!, failed]));
    const length = Math.min(buffer.length, size - position);
    const { bytesRead } = await readAt(fd, buffer, 0, length, position);
    if (bytesRead === 0) {
      throw new LocalFileError(
        `The file ended after ${position} of its ${size} bytes while it was being uploaded (it changed on disk).`,
      );
    }
    position += bytesRead;
    const chunk = bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead);
    const written = new Promise<Buffer>((resolve, reject) =>
      put.write(chunk, (error) => (error ? reject(error) : resolve(buffer))),
    );
    // Awaited in turn below, or never once the upload has failed: its error is `failed`'s.
    written.catch(() => undefined);
    writing.push(written);
    onChunk(bytesRead);
  }
  await Promise.race([Promise.all(writing), failed]);
  await new Promise<void>((resolve) => put.end(resolve));
}

/** A pass-through that reports the bytes going through it. */
function counting(onChunk: (bytes: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      onChunk(chunk.length);
      done(null, chunk);
    },
  });
}

function send(
  url: string,
  options: RequestOptions,
  signal: AbortSignal | undefined,
  idleTimeoutMs: number,
  write: (request: import("node:http").ClientRequest) => Promise<unknown>,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const request = (target.protocol === "https:" ? httpsRequest : httpRequest)(target, {
      ...options,
      ...(signal ? { signal } : {}),
    });
    let response: IncomingMessage | undefined;
    // A stalled storage server must not hang the transfer: silence on the socket (before or
    // during the body) for the client's timeout ends it. The response is destroyed with the
    // same error, or a body cut by the timeout would read as a reset connection.
    request.setTimeout(idleTimeoutMs, () => {
      const error = new TimeoutError(options.method ?? "GET", "<storage url>", idleTimeoutMs);
      response?.destroy(error);
      request.destroy(error);
    });
    request.on("response", (answer: IncomingMessage) => {
      response = answer;
      resolve(answer);
    });
    request.on("error", reject);
    write(request).catch(reject);
  });
}
