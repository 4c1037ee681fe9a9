import { randomBytes } from "node:crypto";
import { mkdir, open, rename, rm, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { AlpaconClient } from "../client.js";
import { abortableDelay } from "../core/delay.js";
import { toApiError } from "../core/error-mapping.js";
import { AbortedError, ConfigError, ConnectionError, TimeoutError } from "../core/errors.js";
import { RETRYABLE_STATUSES } from "../core/transport.js";
import type { TransferProgress, UploadSource } from "../webftp/transfer.js";
import type {
  DownloadOptions,
  DownloadResult,
  UploadOptions,
  UploadResult,
} from "../webftp/webftp.js";
import { nodeStoragePut } from "./storage.js";
import { nodeStorageGetToFile } from "./storage-get.js";
import { extractZip } from "./zip.js";

/** A file on disk as an upload source: streamed, reopened if a retry needs it. */
export async function fileSource(path: string): Promise<UploadSource> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new ConfigError(
      `Cannot read ${path}: ${error.code === "ENOENT" ? "no such file" : error.message}.`,
    );
  });
  if (!info.isFile())
    throw new ConfigError(
      `${path} is not a regular file; upload folders as a zip with unzip: true.`,
    );
  return { size: info.size, path, open: () => fileReadStream(path) };
}

// Large chunks keep per-chunk costs (allocation, stream bookkeeping, syscalls) small per byte.
const CHUNK_BYTES = 1024 * 1024;

/**
 * A pull-based stream over a file: the next chunk is read only when the consumer asks, so a
 * slow upload never lets the file pile up in memory.
 */
function fileReadStream(path: string): ReadableStream<Uint8Array> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        handle ??= await open(path, "r");
        const buffer = new Uint8Array(CHUNK_BYTES);
        const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, null);
        if (bytesRead === 0) {
          await handle.close();
          controller.close();
          return;
        }
        controller.enqueue(buffer.subarray(0, bytesRead));
      },
      async cancel() {
        await handle?.close();
      },
    },
    // One chunk read ahead, so the disk read overlaps the network write.
    { highWaterMark: 2 },
  );
}

export interface UploadFileOptions extends Omit<UploadOptions, "source"> {
  localPath: string;
}

/** Uploads a local file, streaming it from disk. */
export async function uploadFile(
  client: AlpaconClient,
  options: UploadFileOptions,
): Promise<UploadResult> {
  const { localPath, ...rest } = options;
  return client.webftp.upload({
    storagePut: nodeStoragePut,
    ...rest,
    source: await fileSource(localPath),
  });
}

export interface DownloadFileOptions extends Omit<DownloadOptions, "destination"> {
  /** Where the file goes; for a folder, the directory to extract into (with extract) or the zip's path. */
  localPath: string;
  /** Folders only: extract the zip into `localPath` instead of saving it. */
  extract?: boolean | undefined;
}

export interface DownloadFileResult extends DownloadResult {
  localPath: string;
  /** Files written when a folder was extracted. */
  files?: string[];
}

/**
 * Downloads to disk. Bytes go to a temporary file (mode 0600) beside the target and are
 * renamed into place only when complete, so a failed transfer never leaves half a file.
 */
export async function downloadFile(
  client: AlpaconClient,
  options: DownloadFileOptions,
): Promise<DownloadFileResult> {
  const { localPath, extract, ...rest } = options;
  const target = resolve(localPath);
  if (extract && rest.resourceType !== "folder")
    throw new ConfigError("extract applies to folder downloads only.");
  await mkdir(extract ? target : dirname(target), { recursive: true });
  const temp = extract
    ? join(target, `.alpacon-${randomBytes(6).toString("hex")}.zip`)
    : `${target}.${randomBytes(6).toString("hex")}.part`;
  try {
    const { onProgress, ...prepareOptions } = rest;
    const prepared = await client.webftp.prepareDownload(prepareOptions);
    const bytes = await getToFile(
      prepared.downloadUrl,
      temp,
      onProgress,
      rest.signal,
      prepared.idleTimeoutMs,
    );
    const result = { id: prepared.id, name: prepared.name, bytes };
    if (!extract) {
      await rename(temp, target);
      return { ...result, localPath: target };
    }
    const files = await extractZip(temp, target, { stripFolder: result.name });
    return { ...result, localPath: target, files };
  } finally {
    await rm(temp, { force: true });
  }
}

/** GET with a few retries before any byte is written (a GET of stored bytes is idempotent). */
async function getToFile(
  url: string,
  path: string,
  onProgress: ((progress: TransferProgress) => void) | undefined,
  signal: AbortSignal | undefined,
  idleTimeoutMs: number,
): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    let result: { status: number; bytes: number };
    try {
      result = await nodeStorageGetToFile(url, path, onProgress, signal, idleTimeoutMs);
    } catch (error) {
      if (signal?.aborted) throw new AbortedError("The download was aborted.", { cause: error });
      // A GET of stored bytes is idempotent and the file is rewritten from its start: retry.
      if (attempt < 3 && !(error instanceof TimeoutError)) {
        await abortableDelay(250 * 2 ** attempt, signal);
        continue;
      }
      if (error instanceof TimeoutError) throw error;
      throw new ConnectionError("GET", "<download_url>", (error as Error).message, {
        cause: error,
      });
    }
    const { status, bytes } = result;
    if (status >= 200 && status < 300) return bytes;
    if (!RETRYABLE_STATUSES.has(status) || attempt >= 3) {
      throw toApiError({ status, method: "GET", path: "<download_url>", body: undefined });
    }
    await abortableDelay(250 * 2 ** attempt, signal);
  }
}
