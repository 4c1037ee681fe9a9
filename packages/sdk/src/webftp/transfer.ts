import { isLoopbackHost } from "../core/base-url.js";
import { abortableDelay } from "../core/delay.js";
import { toApiError } from "../core/error-mapping.js";
import {
  AbortedError,
  ConfigError,
  ConnectionError,
  TimeoutError,
  ValidationError,
} from "../core/errors.js";
import { RETRYABLE_STATUSES, type TransportSettings } from "../core/transport.js";
import type { TransferStatus } from "../resources/webftp.js";

/** Something that can be read, more than once if a retry needs it, with a known size. */
export interface UploadSource {
  size: number;
  open(): ReadableStream<Uint8Array>;
  /** A file on disk: Node transports read it directly instead of through `open()`. */
  path?: string | undefined;
  /**
   * An open file (Node): read from its start on every attempt, and preferred over `path`, so
   * what is sent is the file that was checked, whatever happens to its path meanwhile.
   */
  fd?: number | undefined;
}

export interface TransferProgress {
  bytes: number;
  /** Known for uploads and for downloads that send Content-Length. */
  total: number | undefined;
}

export function toUploadSource(source: Uint8Array | Blob | UploadSource): UploadSource {
  if (source instanceof Uint8Array) {
    return {
      size: source.byteLength,
      open: () =>
        new ReadableStream({
          start(controller) {
            if (source.byteLength > 0) controller.enqueue(source);
            controller.close();
          },
        }),
    };
  }
  if (typeof Blob !== "undefined" && source instanceof Blob) {
    return { size: source.size, open: () => source.stream() as ReadableStream<Uint8Array> };
  }
  if (
    typeof (source as UploadSource).open === "function" &&
    Number.isInteger((source as UploadSource).size)
  ) {
    return source as UploadSource;
  }
  throw new ConfigError(
    "source must be a Uint8Array, a Blob, or { size, open() } (see fileSource in @alpacon/sdk/node).",
  );
}

/**
 * A storage URL comes from the API's answer, and file contents go to it: plain http is
 * accepted only on loopback (the sandbox), or with the client's `allowInsecure`, as for the
 * base URL.
 */
export function checkStorageUrl(url: string, allowInsecure: boolean | undefined): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError("The API answered a storage URL that is not a valid URL.");
  }
  if (parsed.protocol === "https:") return;
  if (parsed.protocol === "http:" && (allowInsecure || isLoopbackHost(parsed.hostname))) return;
  throw new ConfigError(
    `Refusing the storage URL the API answered: ${parsed.protocol}//${parsed.hostname} is not https, so file contents would travel unencrypted. Set allowInsecure: true on the client only if you trust this network.`,
  );
}

/** Counts bytes as they pass, for progress reports. */
export function counting(
  total: number | undefined,
  onProgress?: (progress: TransferProgress) => void,
) {
  let bytes = 0;
  const stream = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      bytes += chunk.byteLength;
      onProgress?.({ bytes, total });
      controller.enqueue(chunk);
    },
  });
  return { stream, bytes: () => bytes };
}

const MAX_ATTEMPTS = 3;

/**
 * Sends one PUT of the source and answers the status and the bytes sent. The default uses
 * fetch; `@alpacon/sdk/node` passes one over node:http that streams a file straight from disk.
 */
export type StoragePut = (
  url: string,
  source: UploadSource,
  onProgress: ((progress: TransferProgress) => void) | undefined,
  signal: AbortSignal | undefined,
  /** Give up when the connection stays silent this long (the client's `timeoutMs`). */
  idleTimeoutMs: number,
) => Promise<{ status: number; bytes: number }>;

export function fetchStoragePut(fetchImpl: typeof globalThis.fetch): StoragePut {
  return async (url, source, onProgress, signal) => {
    const counter = counting(source.size, onProgress);
    const response = await fetchImpl(url, {
      method: "PUT",
      body: source.open().pipeThrough(counter.stream),
      headers: { "content-length": String(source.size) },
      duplex: "half",
      ...(signal ? { signal } : {}),
    } as RequestInit);
    await response.body?.cancel();
    return { status: response.status, bytes: counter.bytes() };
  };
}

/**
 * PUTs bytes to a presigned storage URL: explicit Content-Length (storage rejects chunked
 * uploads), no Authorization and no Content-Type, as the official CLI sends. A PUT is
 * idempotent and the source can be reopened, so failed attempts are retried.
 */
export async function putToStorage(
  put: StoragePut,
  url: string,
  source: UploadSource,
  onProgress: ((progress: TransferProgress) => void) | undefined,
  signal: AbortSignal | undefined,
  idleTimeoutMs: number,
): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    let sent: { status: number; bytes: number };
    try {
      sent = await put(url, source, onProgress, signal, idleTimeoutMs);
    } catch (error) {
      if (signal?.aborted) throw new AbortedError("The upload was aborted.", { cause: error });
      if (attempt >= MAX_ATTEMPTS) {
        if (error instanceof TimeoutError) throw error;
        throw new ConnectionError("PUT", "<upload_url>", (error as Error).message, {
          cause: error,
        });
      }
      await abortableDelay(250 * 2 ** attempt, signal);
      continue;
    }
    const { status } = sent;
    if (status >= 200 && status < 300) return sent.bytes;
    if (!RETRYABLE_STATUSES.has(status) || attempt >= MAX_ATTEMPTS) {
      throw toApiError({ status, method: "PUT", path: "<upload_url>", body: undefined });
    }
    await abortableDelay(250 * 2 ** attempt, signal);
  }
}

/** GETs a presigned storage URL, retrying before the body starts flowing. */
export async function getFromStorage(
  settings: TransportSettings,
  url: string,
  signal: AbortSignal | undefined,
): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    let response: Response;
    try {
      response = await settings.fetch(url, { method: "GET", ...(signal ? { signal } : {}) });
    } catch (error) {
      if (signal?.aborted || attempt >= MAX_ATTEMPTS) {
        throw new ConnectionError("GET", "<download_url>", (error as Error).message, {
          cause: error,
        });
      }
      await abortableDelay(250 * 2 ** attempt, signal);
      continue;
    }
    if (response.ok && response.body) return response;
    await response.body?.cancel();
    if (!RETRYABLE_STATUSES.has(response.status) || attempt >= MAX_ATTEMPTS) {
      throw toApiError({
        status: response.status,
        method: "GET",
        path: "<download_url>",
        body: undefined,
      });
    }
    await abortableDelay(250 * 2 ** attempt, signal);
  }
}

/**
 * Polls a transfer's status until the agent reports. The API answers 422
 * `webftp_transfer_in_progress` meanwhile. Backoff 50 ms ×2 up to 500 ms: a status read is
 * cheap, and a coarser step (the CLI's 250 ms up to 2 s) adds up to two idle seconds to a
 * transfer that finished meanwhile.
 */
export async function waitForTransfer(
  readStatus: () => Promise<TransferStatus>,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<TransferStatus> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      const status = await readStatus();
      if (status.success !== null && status.success !== undefined) return status;
    } catch (error) {
      if (!isInProgress(error)) throw error;
    }
    if (Date.now() >= deadline) throw new TimeoutError("GET", "<transfer status>", timeoutMs);
    await abortableDelay(Math.min(500, 50 * 2 ** attempt), signal);
  }
}

function isInProgress(error: unknown): boolean {
  return (
    error instanceof ValidationError &&
    (error.code === "webftp_transfer_in_progress" ||
      error.detail?.includes("webftp_transfer_in_progress") === true)
  );
}

/** The CLI's budget: 30 s plus 5 s per MiB. */
export function uploadTimeoutMs(bytes: number): number {
  return 30_000 + Math.ceil(bytes / (1024 * 1024)) * 5_000;
}

export function remoteBasename(remotePath: string, kind: "file" | "folder" = "file"): string {
  if (remotePath.includes("\0")) throw new ConfigError("The remote path cannot contain NUL bytes.");
  if (kind === "file" && remotePath.endsWith("/")) {
    throw new ConfigError(
      `The remote path ${JSON.stringify(remotePath)} must name a file, such as /etc/app.conf, not a folder.`,
    );
  }
  const trimmed = remotePath.replace(/\/+$/, "");
  const name = trimmed.slice(trimmed.lastIndexOf("/") + 1);
  if (name === "" || name === "." || name === "..") {
    throw new ConfigError(
      `The remote path ${JSON.stringify(remotePath)} must name a file or folder, such as /etc/app.conf.`,
    );
  }
  return name;
}
