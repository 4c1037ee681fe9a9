import { isLoopbackHost } from "../core/base-url.js";
import { parseRetryAfter, toApiError } from "../core/error-mapping.js";
import {
  AbortedError,
  AlpaconError,
  ConfigError,
  ConnectionError,
  TimeoutError,
  ValidationError,
} from "../core/errors.js";
import { poll, withRetries } from "../core/retry.js";
import { isDeadlineError, type StorageResult, type UploadSource } from "../core/transport.js";
import type { TransferStatus } from "../resources/webftp.js";

export type { TransferProgress, UploadSource } from "../core/transport.js";

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

// Two retries: storage is idempotent here (a PUT of the same bytes, a GET of stored bytes),
// but a transfer is long, and three failures in a row say more than a blip.
const STORAGE_RETRIES = 2;
// By name: thrown by `@alpacon/sdk/node`, which may be the other CommonJS bundle.
const LOCAL_FILE_ERRORS: ReadonlySet<string | undefined> = new Set([
  "LocalFileError",
  "UnsafePathError",
]);

/**
 * One transfer between here and a presigned storage URL, with the retry policy of core/retry.ts
 * (Retry-After included). `send` makes one attempt; `canRetry` says whether another may follow
 * (not once bytes went into a caller's stream). Answers the bytes moved.
 */
export async function storageTransfer(
  direction: "upload" | "download",
  send: () => Promise<StorageResult>,
  options: { signal: AbortSignal | undefined; idleTimeoutMs: number; canRetry?: () => boolean },
): Promise<number> {
  const method = direction === "upload" ? "PUT" : "GET";
  const where = direction === "upload" ? "<upload_url>" : "<download_url>";
  const { signal, idleTimeoutMs } = options;
  const attempt = async (): Promise<number> => {
    let result: StorageResult;
    try {
      result = await send();
    } catch (error) {
      if (signal?.aborted)
        throw new AbortedError(`The ${direction} was aborted.`, { cause: error });
      // Typed errors pass as they are: a timeout, or the local file's own failure (it changed on
      // disk, or is unsafe), which another attempt would only meet again. By name too: a Node
      // transport may come from the other CommonJS bundle (a timeout is then made this one's,
      // so the retry policy knows it).
      const name = (error as Error)?.name;
      if (error instanceof AlpaconError || LOCAL_FILE_ERRORS.has(name)) throw error;
      if (isDeadlineError(error) || name === "TimeoutError")
        throw new TimeoutError(method, "<storage url>", idleTimeoutMs);
      throw new ConnectionError(method, where, (error as Error).message, { cause: error });
    }
    const { status } = result;
    if (status >= 200 && status < 300) return result.bytes;
    throw toApiError({
      status,
      method,
      path: where,
      body: undefined,
      retryAfterMs: parseRetryAfter(result.retryAfter ?? null),
    });
  };
  try {
    return await withRetries(attempt, {
      retries: STORAGE_RETRIES,
      signal,
      canRetry: options.canRetry,
    });
  } catch (error) {
    // An abort during a backoff rejects with the signal's reason.
    if (signal?.aborted && !(error instanceof AbortedError))
      throw new AbortedError(`The ${direction} was aborted.`, { cause: error });
    throw error;
  }
}

/**
 * Polls a transfer's status until the agent reports, on the proportional schedule (see
 * pollDelayMs). The API answers 422 `webftp_transfer_in_progress` meanwhile.
 */
export async function waitForTransfer(
  readStatus: () => Promise<TransferStatus>,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<TransferStatus> {
  const reported = await poll(
    async () => {
      try {
        const status = await readStatus();
        return status.success !== null && status.success !== undefined ? status : undefined;
      } catch (error) {
        if (!isInProgress(error)) throw error;
        return undefined;
      }
    },
    { deadline: Date.now() + timeoutMs, signal, schedule: "proportional" },
  );
  if (!reported) throw new TimeoutError("GET", "<transfer status>", timeoutMs);
  return reported;
}

/** Whether a status read failed only because the transfer still runs (422 `webftp_transfer_in_progress`). */
export function isInProgress(error: unknown): boolean {
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
