import type { Logger } from "./logger.js";

/**
 * The one seam between the SDK and the network. Everything the SDK sends goes through a
 * Transport: JSON API calls (`send`) and the bytes of file transfers to and from presigned
 * storage URLs (`upload`, `download`). `fetchTransport` (here) works wherever `fetch` does;
 * `nodeTransport` in "@alpacon/sdk/node" uses node:http and raw sockets for speed.
 * Auth, retries and error mapping sit above the seam and are the same for both.
 */
export interface Transport {
  /** Sends one API request and reads its whole answer within `deadlineMs`. */
  send(request: TransportRequest): Promise<TransportResponse>;
  /** PUTs an upload source to a storage URL, once. */
  upload(request: StorageUpload): Promise<StorageResult>;
  /** GETs a storage URL into a destination, once; the destination is opened only on 2xx. */
  download(request: StorageDownload): Promise<StorageResult>;
}

export interface TransportRequest {
  method: string;
  /** Absolute URL, path and query already encoded. */
  url: string;
  headers: Record<string, string>;
  /** JSON text, or the bytes of a multipart upload, when the request has a body. */
  body: string | Uint8Array | undefined;
  /**
   * For the whole exchange, the body included. When it passes first, the promise rejects with
   * a DeadlineError (see isDeadlineError).
   */
  deadlineMs: number;
  signal: AbortSignal | undefined;
}

export interface TransportResponse {
  /** 0 when a browser's fetch hid a redirect (an opaque redirect response). */
  status: number;
  /** One header, case-insensitively; repeated fields joined with ", ". */
  header(name: string): string | null;
  body: Uint8Array;
}

export interface TransferProgress {
  bytes: number;
  /** Known for uploads and for downloads that send Content-Length. */
  total: number | undefined;
}

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

interface StorageTransfer {
  url: string;
  onProgress: ((progress: TransferProgress) => void) | undefined;
  signal: AbortSignal | undefined;
  /** Give up when the connection stays silent this long (the client's `timeoutMs`). */
  idleTimeoutMs: number;
}

export interface StorageUpload extends StorageTransfer {
  source: UploadSource;
}

/**
 * Where a download goes; opened only once the answer is 2xx. Unlike a plain WritableStream
 * (never retried once a byte reached it), a destination may be opened again by a retry.
 */
export interface DownloadDestination {
  open(): Promise<WritableStream<Uint8Array>>;
  /**
   * A new local file: Node transports create and write it themselves (mode 0600, exclusive
   * create, `onOpen` called with its descriptor before a byte is written) instead of `open()`.
   */
  file?: { path: string; onOpen?: ((fd: number) => void) | undefined } | undefined;
  /** Called before every attempt: a file destination removes what a failed one left. */
  prepare?: (() => Promise<void>) | undefined;
}

export interface StorageDownload extends StorageTransfer {
  destination: DownloadDestination;
}

export interface StorageResult {
  status: number;
  /** Bytes sent, or written to the destination (0 when the status is not 2xx). */
  bytes: number;
  /** The storage server's `Retry-After`, as it sent it. */
  retryAfter?: string | undefined;
}

/** Per-call overrides every SDK method accepts as its last argument. */
export interface RequestOptions {
  signal?: AbortSignal | undefined;
  /** Per attempt; defaults to the client's `timeoutMs`. */
  timeoutMs?: number | undefined;
  /** Retries for idempotent methods; defaults to the client's `maxRetries`. */
  maxRetries?: number | undefined;
}

/** What every request of one client shares. */
export interface TransportSettings {
  baseUrl: string;
  authorization: () => Promise<string>;
  transport: Transport;
  /**
   * Whether `transport` was chosen by the caller (the `transport` or `fetch` option). When not,
   * the Node file helpers move bytes with nodeTransport rather than the portable default.
   */
  transportChosen: boolean;
  timeoutMs: number;
  maxRetries: number;
  userAgent: string;
  logger: Logger;
  /** "workspace acme (ap1)": named in error messages so users know which token to check. */
  context: string | undefined;
  /** Plain http allowed to non-loopback hosts: the base URL's and the storage URLs'. */
  allowInsecure?: boolean | undefined;
}

/**
 * A transport's rejection when a request's deadline passed. Recognised by name, not class:
 * a Node transport may come from the other bundle of this package (CommonJS entry points are
 * built separately, each with its own copy of this class).
 */
export class DeadlineError extends Error {
  override name = "DeadlineError";
  constructor(ms: number) {
    super(`no complete answer within ${ms} ms`);
  }
}

export function isDeadlineError(error: unknown): boolean {
  return error instanceof Error && error.name === "DeadlineError";
}

/** The portable transport: `fetch` (the global one unless given) for everything. */
export function fetchTransport(fetchImpl?: typeof globalThis.fetch): Transport {
  // Looked up per call when not given, so a fetch installed later (or a test's) is used.
  const fetch = (url: string, init: RequestInit) =>
    fetchImpl ? fetchImpl(url, init) : globalThis.fetch(url, init);
  return {
    send: (request) => fetchSend(fetch, request),
    upload: (request) => fetchUpload(fetch, request),
    download: (request) => fetchDownload(fetch, request),
  };
}

type Fetch = (url: string, init: RequestInit) => Promise<Response>;

/**
 * One signal for both the deadline and the caller's (cheaper per request than
 * AbortSignal.timeout + AbortSignal.any); the body is read within the deadline, so a stalled
 * body times out too.
 */
async function fetchSend(fetch: Fetch, request: TransportRequest): Promise<TransportResponse> {
  const { signal, deadlineMs } = request;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, deadlineMs);
  const onAbort = () => controller.abort(signal?.reason);
  if (signal?.aborted) onAbort();
  else signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body ?? null,
      signal: controller.signal,
      // Never followed: a redirect could take the token and the body to another host, and a
      // 307 would send a command's POST again. The answer becomes a RedirectError.
      redirect: "manual",
    });
    const body = new Uint8Array(await response.arrayBuffer());
    return {
      status: response.type === "opaqueredirect" ? 0 : response.status,
      header: (name) => response.headers.get(name),
      body,
    };
  } catch (error) {
    throw timedOut && !signal?.aborted ? new DeadlineError(deadlineMs) : error;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
}

/** Counts bytes as they pass, for progress reports. */
function counting(total: number | undefined, onProgress?: (progress: TransferProgress) => void) {
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

async function fetchUpload(fetch: Fetch, request: StorageUpload): Promise<StorageResult> {
  const { source, signal } = request;
  const counter = counting(source.size, request.onProgress);
  const response = await fetch(request.url, {
    method: "PUT",
    body: source.open().pipeThrough(counter.stream),
    headers: { "content-length": String(source.size) },
    duplex: "half",
    ...(signal ? { signal } : {}),
  } as RequestInit);
  await response.body?.cancel();
  return {
    status: response.status,
    bytes: counter.bytes(),
    retryAfter: response.headers.get("retry-after") ?? undefined,
  };
}

async function fetchDownload(fetch: Fetch, request: StorageDownload): Promise<StorageResult> {
  const { signal } = request;
  const response = await fetch(request.url, { method: "GET", ...(signal ? { signal } : {}) });
  const retryAfter = response.headers.get("retry-after") ?? undefined;
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    return { status: response.status, bytes: 0, retryAfter };
  }
  const length = Number(response.headers.get("content-length"));
  const counter = counting(
    Number.isFinite(length) && length > 0 ? length : undefined,
    request.onProgress,
  );
  const sink = await request.destination.open();
  await response.body.pipeThrough(counter.stream).pipeTo(sink, signal ? { signal } : {});
  return { status: response.status, bytes: counter.bytes(), retryAfter };
}
