import { close, createReadStream, open, writev } from "node:fs";
import { request as httpRequest, type IncomingMessage, type RequestOptions } from "node:http";
import { request as httpsRequest } from "node:https";
import { PassThrough, Readable, Writable } from "node:stream";
import { finished, pipeline } from "node:stream/promises";
import { TimeoutError } from "../core/errors.js";
import type { StoragePut, TransferProgress, UploadSource } from "../webftp/transfer.js";

// Large reads keep per-chunk costs small per byte on multi-gigabyte files.
const FILE_CHUNK_BYTES = 1024 * 1024;

/**
 * PUT over node:http, piped from disk when the source is a file: the file is read only as fast
 * as the socket drains, with no web-stream layer in between. (Node's fetch also reads a
 * streamed body ahead of the socket, which would hold a large upload in memory.)
 */
export const nodeStoragePut: StoragePut = async (
  url,
  source,
  onProgress,
  signal,
  idleTimeoutMs,
) => {
  const counter = progress(source.size, onProgress);
  const headers = { "content-length": String(source.size) };
  const response = await send(url, { method: "PUT", headers }, signal, idleTimeoutMs, (request) =>
    pipeline(openSource(source), counter.stream, request),
  );
  // finished() rather than "end": a response cut or timed out never ends, and must not hang.
  response.resume();
  await finished(response);
  return { status: response.statusCode ?? 0, bytes: counter.bytes() };
};

/** GETs a presigned URL straight into a file (mode 0600); answers the status and bytes written. */
export async function nodeStorageGetToFile(
  url: string,
  path: string,
  onProgress: ((progress: TransferProgress) => void) | undefined,
  signal: AbortSignal | undefined,
  idleTimeoutMs: number,
): Promise<{ status: number; bytes: number }> {
  const response = await send(url, { method: "GET" }, signal, idleTimeoutMs, async (request) =>
    request.end(),
  );
  const status = response.statusCode ?? 0;
  if (status < 200 || status >= 300) {
    response.resume();
    return { status, bytes: 0 };
  }
  const length = Number(response.headers["content-length"]);
  const file = new BatchedFileSink(path, Number.isFinite(length) ? length : undefined, onProgress);
  try {
    await pipeline(response, file, signal ? { signal } : {});
  } catch (error) {
    // pipeline() rejects once it has destroyed the sink, not once the sink has closed its file:
    // a caller that retries or removes the partial file must find it closed.
    if (!file.closed) await new Promise((resolve) => file.once("close", resolve));
    throw error;
  }
  return { status, bytes: file.bytes };
}

/**
 * A file written in batches of about FILE_CHUNK_BYTES. Sockets deliver 64 KiB chunks, and
 * fs.createWriteStream sends each on its own to the thread pool: a GiB costs some 16,000
 * thread-pool round trips, which made downloads CPU-bound. One `writev` per batch cuts that
 * to ~1,000 without copying a byte. Progress is reported as batches reach the file.
 */
class BatchedFileSink extends Writable {
  /** Bytes written to the file. */
  bytes = 0;
  private fd: number | undefined;
  private batch: Buffer[] = [];
  private batchBytes = 0;
  /** A `writev` on the thread pool: the descriptor must outlive it. */
  private writing = false;
  private closeAfterWrite: (() => void) | undefined;

  constructor(
    private readonly path: string,
    private readonly total: number | undefined,
    private readonly onProgress: ((progress: TransferProgress) => void) | undefined,
  ) {
    // Room for the next batch while one is being written, so the socket keeps being read.
    super({ highWaterMark: FILE_CHUNK_BYTES });
  }

  override _construct(callback: (error?: Error | null) => void): void {
    open(this.path, "w", 0o600, (error, fd) => {
      this.fd = fd;
      callback(error);
    });
  }

  override _write(
    chunk: Buffer,
    _encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ) {
    this.batch.push(chunk);
    this.batchBytes += chunk.length;
    if (this.batchBytes >= FILE_CHUNK_BYTES) this.flush(callback);
    else callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    const closeFile = (error?: Error | null) => {
      if (error) return callback(error);
      const fd = this.fd;
      this.fd = undefined;
      if (fd === undefined) return callback();
      close(fd, callback);
    };
    if (this.batchBytes > 0) this.flush(closeFile);
    else closeFile();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const closeFile = () => {
      const fd = this.fd;
      this.fd = undefined;
      if (fd === undefined) return callback(error);
      close(fd, () => callback(error));
    };
    if (this.writing) this.closeAfterWrite = closeFile;
    else closeFile();
  }

  private flush(callback: (error?: Error | null) => void): void {
    const buffers = this.batch;
    const size = this.batchBytes;
    this.batch = [];
    this.batchBytes = 0;
    this.writing = true;
    writev(this.fd as number, buffers, (error) => {
      this.writing = false;
      if (this.closeAfterWrite) return this.closeAfterWrite();
      if (error) return callback(error);
      this.bytes += size;
      this.onProgress?.({ bytes: this.bytes, total: this.total });
      callback();
    });
  }
}

function openSource(source: UploadSource): Readable {
  return source.path
    ? createReadStream(source.path, { highWaterMark: FILE_CHUNK_BYTES })
    : Readable.fromWeb(source.open() as import("node:stream/web").ReadableStream<Uint8Array>);
}

/** A pass-through that counts bytes and reports progress. */
function progress(
  total: number | undefined,
  onProgress: ((progress: TransferProgress) => void) | undefined,
) {
  const stream = new PassThrough({ highWaterMark: FILE_CHUNK_BYTES });
  let bytes = 0;
  stream.on("data", (chunk: Buffer) => {
    bytes += chunk.length;
    onProgress?.({ bytes, total });
  });
  return { stream, bytes: () => bytes };
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
