import { createReadStream, open, read } from "node:fs";
import { request as httpRequest, type IncomingMessage, type RequestOptions } from "node:http";
import { request as httpsRequest } from "node:https";
import { PassThrough, Readable } from "node:stream";
import { finished, pipeline } from "node:stream/promises";
import { TimeoutError } from "../core/errors.js";
import type {
  StorageResult,
  StorageUpload,
  TransferProgress,
  UploadSource,
} from "../core/transport.js";
import { openRegularFile } from "./safe-fs.js";

// Large reads keep per-chunk costs small per byte on multi-gigabyte files.
const FILE_CHUNK_BYTES = 1024 * 1024;

/**
 * PUT over node:http, piped from disk when the source is a file: the file is read only as fast
 * as the socket drains, with no web-stream layer in between. (Node's fetch also reads a
 * streamed body ahead of the socket, which would hold a large upload in memory.)
 */
export async function nodeStoragePut(request: StorageUpload): Promise<StorageResult> {
  const { url, source, signal, idleTimeoutMs } = request;
  const counter = progress(source.size, request.onProgress);
  const headers = { "content-length": String(source.size) };
  const response = await send(
    url,
    { method: "PUT", headers },
    signal,
    idleTimeoutMs,
    async (request) => pipeline(await openSource(source), counter.stream, request),
  );
  // finished() rather than "end": a response cut or timed out never ends, and must not hang.
  response.resume();
  await finished(response);
  const retryAfter = response.headers["retry-after"];
  return { status: response.statusCode ?? 0, bytes: counter.bytes(), retryAfter };
}

const LEAVE_OPEN = {
  open,
  read,
  close: (_fd: number, done: (error: NodeJS.ErrnoException | null) => void) => done(null),
};

async function openSource(source: UploadSource): Promise<Readable> {
  // An open file is read from its start again on every attempt, and stays open for the next.
  // `autoClose: false` is not enough: a stream destroyed mid-way (a reset connection) still
  // closes its descriptor, and the retry then read a closed one (EBADF). Its owner closes it.
  if (source.fd !== undefined) {
    return createReadStream("", {
      fd: source.fd,
      start: 0,
      fs: LEAVE_OPEN,
      highWaterMark: FILE_CHUNK_BYTES,
    });
  }
  if (source.path) {
    // Opened and checked first: a FIFO or device in its place is refused, never read.
    const { handle } = await openRegularFile(source.path);
    return handle.createReadStream({ highWaterMark: FILE_CHUNK_BYTES });
  }
  return Readable.fromWeb(source.open() as import("node:stream/web").ReadableStream<Uint8Array>);
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
