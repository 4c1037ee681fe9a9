import { close, closeSync, openSync, writeSync, writev } from "node:fs";
import { isIP, connect as netConnect, type Socket } from "node:net";
import { type ConnectionOptions, connect as tlsConnect } from "node:tls";
import { HTTPParser } from "http-parser-js";
import { TimeoutError } from "../core/errors.js";
import type { TransferProgress } from "../core/transport.js";
import { rawHeader } from "./api-send.js";
import { CREATE_NEW } from "./safe-fs.js";

/**
 * Bytes per socket read, into the one buffer a download reads with: each read is one write to
 * the file, and with the page cache full, writes of this size cost the kernel less per byte
 * than larger ones (bench/README, B4).
 */
const READ_BYTES = 64 * 1024;
/** Progress is reported about this often, and slow-disk batches are about this big. */
const CHUNK_BYTES = 1024 * 1024;
// A write into the page cache takes tens of microseconds. Writes this slow, this many times,
// mean the file system blocks (dirty-page throttling, a network mount): the event loop must
// not wait on it any more.
const SLOW_WRITE_MS = 20;
// Small writes can each stay under that bar on a slow file system: a MiB written in this long
// (under 12.8 MiB/s) counts as one slow write too.
const SLOW_MIB_MS = 80;
const SLOW_WRITES = 3;

/** Tuning that tests reach; not part of the API. @internal */
export interface StorageGetTuning {
  /** A synchronous write at least this slow counts as slow (default SLOW_WRITE_MS). */
  slowWriteMs?: number;
  /** So does each MiB of writes that took at least this long (default SLOW_MIB_MS). */
  slowMibMs?: number;
  /** Checks the file just created, before a byte is written; throwing fails the download. */
  onOpen?: (fd: number) => void;
}

export interface StorageGetResult {
  status: number;
  /** Bytes written to the file (0 when the status is not 2xx: no file is created then). */
  bytes: number;
  /** The server's `Retry-After`, when it sent one with a status that is not 2xx. */
  retryAfter?: string | undefined;
}

/**
 * GETs a presigned URL straight into a new file (mode 0600; exclusive create, no link followed:
 * it fails if anything has the name already, so nothing is written through a link), as curl
 * does: every socket read lands in one reused buffer and is written to the file before the next
 * read. node:http hands each read over in a freshly allocated buffer, which on a large download
 * churns the C heap (page faults, kernel time) and made throughput swing from run to run
 * (bench/README, B4). The HTTP/1.1 response is parsed by http-parser-js, which reports body
 * bytes as ranges of the buffer it is given, without copying them.
 */
export function nodeStorageGetToFile(
  url: string,
  path: string,
  onProgress: ((progress: TransferProgress) => void) | undefined,
  signal: AbortSignal | undefined,
  idleTimeoutMs: number,
  tuning: StorageGetTuning = {},
): Promise<StorageGetResult> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const settle = { resolve, reject };
    const options = { path, onProgress, signal, idleTimeoutMs, tuning };
    new StorageGet(new URL(url), options, settle);
  });
}

class StorageGet {
  private readonly socket: Socket;
  private readonly parser = new HTTPParser(HTTPParser.RESPONSE);
  private status = 0;
  private retryAfter: string | undefined;
  private file: FileWriter | undefined;
  private complete = false;
  private settled = false;
  private readonly onAbort = () => this.fail(this.options.signal!.reason);

  constructor(
    url: URL,
    private readonly options: {
      path: string;
      onProgress: ((progress: TransferProgress) => void) | undefined;
      signal: AbortSignal | undefined;
      idleTimeoutMs: number;
      tuning: StorageGetTuning;
    },
    private readonly settle: {
      resolve(result: StorageGetResult): void;
      reject(error: unknown): void;
    },
  ) {
    this.parser[HTTPParser.kOnHeadersComplete] = (info) =>
      this.headers(info.statusCode, info.headers);
    this.parser[HTTPParser.kOnBody] = (chunk, offset, length) => this.body(chunk, offset, length);
    this.parser[HTTPParser.kOnMessageComplete] = () => this.finish();
    this.socket = connect(url, (bytes, buffer) => this.received(buffer, bytes));
    // Silence on the socket, before or during the body, for the client's timeout ends it.
    const { idleTimeoutMs, signal } = options;
    this.socket.setTimeout(idleTimeoutMs, () =>
      this.fail(new TimeoutError("GET", "<storage url>", idleTimeoutMs)),
    );
    this.socket.on("error", (error) => this.fail(error));
    this.socket.on("end", () => this.ended());
    this.socket.on("close", () => this.ended());
    signal?.addEventListener("abort", this.onAbort, { once: true });
    this.socket.write(
      `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n`,
    );
  }

  /** Returns false to stop reading until the file has caught up (see FileWriter). */
  private received(buffer: Buffer, bytes: number): boolean {
    const parsed = this.parser.execute(buffer, 0, bytes);
    if (parsed instanceof Error) {
      this.fail(parsed);
      return false;
    }
    return this.file?.keepReading() ?? true;
  }

  private headers(status: number, raw: string[]): void {
    this.status = status;
    // Any other answer is read to its end and dropped; the caller decides from the status.
    if (status < 200 || status >= 300) {
      this.retryAfter = rawHeader(raw, "retry-after") ?? undefined;
      return;
    }
    const length = Number(rawHeader(raw, "content-length") ?? Number.NaN);
    try {
      const { path, onProgress, tuning } = this.options;
      const fd = openSync(path, CREATE_NEW, 0o600);
      try {
        tuning.onOpen?.(fd);
      } catch (error) {
        closeSync(fd);
        throw error;
      }
      this.file = new FileWriter(fd, {
        total: Number.isFinite(length) ? length : undefined,
        onProgress,
        slowWriteMs: tuning.slowWriteMs ?? SLOW_WRITE_MS,
        slowMibMs: tuning.slowMibMs ?? SLOW_MIB_MS,
        drained: () => this.socket.resume(),
        failed: (error) => this.fail(error),
      });
    } catch (error) {
      this.fail(error);
    }
  }

  private body(chunk: Buffer, offset: number, length: number): void {
    if (!this.file || this.settled) return;
    try {
      this.file.write(chunk, offset, length);
    } catch (error) {
      this.fail(error);
    }
  }

  /** A body without a length ends with the connection; one with a length must be whole. */
  private ended(): void {
    if (this.complete || this.settled) return;
    const error = this.parser.finish();
    if (error instanceof Error || !this.complete) {
      this.fail(new Error("the connection closed before the body ended"));
    }
  }

  private finish(): void {
    // An interim answer (100 Continue): the real one follows on the same connection.
    if (this.status < 200) return;
    this.complete = true;
    this.stop();
    const status = this.status;
    const file = this.file;
    if (!file) {
      this.settle.resolve({ status, bytes: 0, retryAfter: this.retryAfter });
      return;
    }
    file.close().then(
      () => this.settle.resolve({ status, bytes: file.bytes }),
      (error: unknown) => this.settle.reject(error),
    );
  }

  /** Settles once the file is closed: a caller that retries or removes it must find it closed. */
  private fail(error: unknown): void {
    if (this.settled) return;
    this.stop();
    const done = () => this.settle.reject(error);
    if (this.file) this.file.close().then(done, done);
    else done();
  }

  private stop(): void {
    this.settled = true;
    this.options.signal?.removeEventListener("abort", this.onAbort);
    this.socket.destroy();
  }
}

function connect(url: URL, onRead: (bytes: number, buffer: Buffer) => boolean): Socket {
  const onread = { buffer: Buffer.allocUnsafe(READ_BYTES), callback: onRead };
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (url.protocol === "https:") {
    const port = Number(url.port || 443);
    const servername = isIP(host) === 0 ? host : undefined;
    // `onread` is documented for tls.connect too; @types/node leaves it out of its options.
    const options = { host, port, servername, onread, ALPNProtocols: ["http/1.1"] };
    return tlsConnect(options as ConnectionOptions);
  }
  if (url.protocol !== "http:")
    throw new TypeError(`Unsupported storage URL scheme ${url.protocol}`);
  return netConnect({ host, port: Number(url.port || 80), onread });
}

/**
 * The download's file. Writes are synchronous while the file system keeps up (the bytes are
 * still in this core's cache, and no thread-pool round trip is needed). After SLOW_WRITES slow
 * ones, the rest is copied out of the read buffer into batches written on the thread pool, and
 * reading pauses while a batch waits, so a slow disk stalls only the download.
 */
class FileWriter {
  bytes = 0;
  private reported = 0;
  private slowWrites = 0;
  /** Synchronous writes since the last whole MiB: bytes, and the ms they took. */
  private mibBytes = 0;
  private mibMs = 0;
  private batch: Buffer[] = [];
  private batchBytes = 0;
  private writing: Promise<void> | undefined;
  private failure: Error | undefined;
  private closed: Promise<void> | undefined;

  constructor(
    private readonly fd: number,
    private readonly options: {
      total: number | undefined;
      onProgress: ((progress: TransferProgress) => void) | undefined;
      slowWriteMs: number;
      slowMibMs: number;
      drained(): void;
      failed(error: Error): void;
    },
  ) {}

  write(chunk: Buffer, offset: number, length: number): void {
    if (this.slowWrites >= SLOW_WRITES) {
      // A copy: the read buffer is reused by the next read.
      this.batch.push(Buffer.from(chunk.subarray(offset, offset + length)));
      this.batchBytes += length;
      if (this.batchBytes >= CHUNK_BYTES && !this.writing) void this.writeBatch();
      return;
    }
    const started = performance.now();
    for (let end = offset + length; offset < end; ) {
      offset += writeSync(this.fd, chunk, offset, end - offset);
    }
    const took = performance.now() - started;
    this.mibMs += took;
    this.mibBytes += length;
    const slowMib = this.mibBytes >= CHUNK_BYTES && this.mibMs >= this.options.slowMibMs;
    if (took >= this.options.slowWriteMs || slowMib) this.slowWrites += 1;
    if (this.mibBytes >= CHUNK_BYTES) {
      this.mibBytes = 0;
      this.mibMs = 0;
    }
    this.wrote(length);
  }

  /** Whether the socket may go on reading: not while a full batch waits for the one written. */
  keepReading(): boolean {
    return !(this.writing && this.batchBytes >= CHUNK_BYTES);
  }

  /** Writes what is left (unless a write failed), then closes the file. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      await this.writing;
      if (this.batchBytes > 0 && !this.failure) await this.writeBatch();
      await new Promise<void>((resolve, reject) =>
        close(this.fd, (error) => (error ? reject(error) : resolve())),
      );
      if (this.failure) throw this.failure;
      if (this.bytes > this.reported) this.report();
    })();
    return this.closed;
  }

  /** Never rejects: a failed write is kept, reported through `failed`, and thrown by close(). */
  private writeBatch(): Promise<void> {
    const buffers = this.batch;
    const size = this.batchBytes;
    this.batch = [];
    this.batchBytes = 0;
    this.writing = new Promise<void>((resolve) => {
      writev(this.fd, buffers, (error, written) => {
        this.writing = undefined;
        resolve();
        if (error || written !== size) {
          this.failure = error ?? new Error(`wrote ${written} of ${size} bytes to the file`);
          return this.options.failed(this.failure);
        }
        this.wrote(size);
        if (this.closed) return;
        if (this.batchBytes >= CHUNK_BYTES) void this.writeBatch();
        else this.options.drained();
      });
    });
    return this.writing;
  }

  private wrote(bytes: number): void {
    this.bytes += bytes;
    if (this.bytes - this.reported >= CHUNK_BYTES) this.report();
  }

  private report(): void {
    this.reported = this.bytes;
    this.options.onProgress?.({ bytes: this.bytes, total: this.options.total });
  }
}
