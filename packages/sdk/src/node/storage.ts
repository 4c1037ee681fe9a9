import { close, createReadStream, open, writeSync, writev } from "node:fs";
import { request as httpRequest, type IncomingMessage, type RequestOptions } from "node:http";
import { request as httpsRequest } from "node:https";
import { PassThrough, Readable, Writable } from "node:stream";
import { finished, pipeline } from "node:stream/promises";
import { TimeoutError } from "../core/errors.js";
import type { StoragePut, TransferProgress, UploadSource } from "../webftp/transfer.js";

// Large reads keep per-chunk costs small per byte on multi-gigabyte files.
const FILE_CHUNK_BYTES = 1024 * 1024;

// A write into the page cache takes tens of microseconds. Writes this slow mean the file system
// blocks (dirty-page throttling, a network mount), and the event loop must not keep waiting on
// it. More than one is needed: on a busy machine a single write can be preempted for that long.
const SLOW_WRITE_MS = 20;
const SLOW_WRITES_BEFORE_BATCHING = 3;

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

/** Tuning that tests reach; not part of the API. @internal */
export interface GetToFileTuning {
  /** Synchronous writes that take at least this long move the rest to the thread pool. */
  slowWriteMs?: number;
}

/** GETs a presigned URL straight into a file (mode 0600); answers the status and bytes written. */
export async function nodeStorageGetToFile(
  url: string,
  path: string,
  onProgress: ((progress: TransferProgress) => void) | undefined,
  signal: AbortSignal | undefined,
  idleTimeoutMs: number,
  tuning: GetToFileTuning = {},
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
  const file = new FileSink(
    path,
    Number.isFinite(length) ? length : undefined,
    onProgress,
    tuning.slowWriteMs ?? SLOW_WRITE_MS,
  );
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
 * The file a download is written to. Each socket chunk is written synchronously, on the thread
 * that received it, as curl does: the bytes are still in this core's cache, and no thread-pool
 * round trip is needed. Handing ~1 MiB batches to the thread pool instead made a 1 GiB download
 * on 2 cores 25-40 % slower than curl, with twice the kernel time: each batch woke a pool
 * thread that copied bytes received on the other core, while the server competed for the CPUs.
 * Once writes block (SLOW_WRITE_MS), the rest goes to the thread pool in `writev` batches, so a
 * slow disk stalls only the download, not the event loop.
 * Progress is reported about every FILE_CHUNK_BYTES and at the end.
 */
class FileSink extends Writable {
  /** Bytes written to the file. */
  bytes = 0;
  private fd: number | undefined;
  private reported = 0;
  private slowWrites = 0;
  /** Set once synchronous writes blocked: the rest goes to the thread pool. */
  private batched = false;
  private batch: Buffer[] = [];
  private batchBytes = 0;
  /** A `writev` on the thread pool: the descriptor must outlive it. */
  private writing = false;
  private closeAfterWrite: (() => void) | undefined;

  constructor(
    private readonly path: string,
    private readonly total: number | undefined,
    private readonly onProgress: ((progress: TransferProgress) => void) | undefined,
    private readonly slowWriteMs: number,
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
    if (this.batched) return this.queue(chunk, callback);
    try {
      this.writeNow(chunk);
    } catch (error) {
      return callback(error as Error);
    }
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    const closeFile = (error?: Error | null) => {
      if (error) return callback(error);
      if (this.bytes > this.reported) this.report();
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

  private writeNow(chunk: Buffer): void {
    const started = performance.now();
    for (let offset = 0; offset < chunk.length; ) {
      offset += writeSync(this.fd as number, chunk, offset);
    }
    if (performance.now() - started >= this.slowWriteMs) {
      this.batched = ++this.slowWrites >= SLOW_WRITES_BEFORE_BATCHING;
    }
    this.wrote(chunk.length);
  }

  private queue(chunk: Buffer, callback: (error?: Error | null) => void): void {
    this.batch.push(chunk);
    this.batchBytes += chunk.length;
    if (this.batchBytes >= FILE_CHUNK_BYTES) this.flush(callback);
    else callback();
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
      this.wrote(size);
      callback();
    });
  }

  private wrote(size: number): void {
    this.bytes += size;
    if (this.bytes - this.reported >= FILE_CHUNK_BYTES) this.report();
  }

  private report(): void {
    this.reported = this.bytes;
    this.onProgress?.({ bytes: this.bytes, total: this.total });
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
