import { createReadStream, createWriteStream } from "node:fs";
import { request as httpRequest, type IncomingMessage, type RequestOptions } from "node:http";
import { request as httpsRequest } from "node:https";
import { PassThrough, Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
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
  response.resume();
  await new Promise((resolve) => response.on("end", resolve));
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
  const counter = progress(Number.isFinite(length) ? length : undefined, onProgress);
  const file = createWriteStream(path, { mode: 0o600, highWaterMark: FILE_CHUNK_BYTES });
  await pipeline(response, counter.stream, file, signal ? { signal } : {});
  return { status, bytes: counter.bytes() };
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
    // A stalled storage server must not hang the transfer: silence on the socket (before or
    // during the body) for the client's timeout ends it.
    request.setTimeout(idleTimeoutMs, () => {
      request.destroy(new TimeoutError(options.method ?? "GET", "<storage url>", idleTimeoutMs));
    });
    request.on("response", resolve);
    request.on("error", reject);
    write(request).catch(reject);
  });
}
