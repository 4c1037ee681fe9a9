import { randomBytes } from "node:crypto";
import { mkdir, open, realpath, rename, rm } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import type { AlpaconClient } from "../client.js";
import { ConfigError } from "../core/errors.js";
import type { DownloadDestination, UploadSource } from "../core/transport.js";
import type {
  BulkDownloadOptions,
  DownloadOptions,
  DownloadResult,
  UploadOptions,
  UploadResult,
} from "../webftp/webftp.js";
import {
  CREATE_NEW,
  expectOpenedAt,
  expectReplaceable,
  type FileIdentity,
  type OpenedFile,
  openRegularFile,
  UnsafePathError,
} from "./safe-fs.js";
import { nodeTransport } from "./transport.js";
import { type ExtractLimits, extractZip } from "./zip.js";

/** A file on disk as an upload source: streamed, reopened if a retry needs it. */
export async function fileSource(path: string): Promise<UploadSource> {
  const { handle, size } = await openRegularFile(path);
  await handle.close();
  return { size, path, open: () => fileReadStream(() => openRegularFile(path), true) };
}

// Large chunks keep per-chunk costs (allocation, stream bookkeeping, syscalls) small per byte.
const CHUNK_BYTES = 1024 * 1024;

/**
 * A pull-based stream over a file: the next chunk is read only when the consumer asks, so a
 * slow upload never lets the file pile up in memory. Reads are positional, so an already open
 * file can be streamed again from its start for a retry.
 */
function fileReadStream(
  opened: () => Promise<OpenedFile>,
  owned: boolean,
): ReadableStream<Uint8Array> {
  let file: OpenedFile | undefined;
  let position = 0;
  const release = async () => {
    if (owned) await file?.handle.close();
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        file ??= await opened();
        const buffer = new Uint8Array(CHUNK_BYTES);
        const { bytesRead } = await file.handle.read(buffer, 0, CHUNK_BYTES, position);
        position += bytesRead;
        if (bytesRead === 0) {
          await release();
          controller.close();
          return;
        }
        controller.enqueue(buffer.subarray(0, bytesRead));
      },
      cancel: release,
    },
    // One chunk read ahead, so the disk read overlaps the network write.
    { highWaterMark: 2 },
  );
}

export interface UploadFileOptions extends Omit<UploadOptions, "source"> {
  localPath: string;
  /**
   * Called with the real path and the identity (dev, ino) of the file actually opened, before a
   * byte is sent; throw to refuse it. The MCP server checks its allowed directories here, on the
   * open file rather than on a path checked earlier, so a link swapped in meanwhile cannot
   * change what is sent, and a hard link to a protected file is recognised.
   */
  checkOpened?: ((realPath: string, identity: FileIdentity) => void) | undefined;
}

/**
 * Uploads a local file, streaming it from disk. A `remotePath` ending in `/` is a directory:
 * the file keeps its local name there. The file is opened once (a FIFO or device is refused),
 * and every attempt reads that same open file.
 */
export async function uploadFile(
  client: AlpaconClient,
  options: UploadFileOptions,
): Promise<UploadResult> {
  const { localPath, checkOpened, ...rest } = options;
  const file = await openRegularFile(localPath);
  try {
    checkOpened?.(file.realPath, file.identity);
    const source: UploadSource = {
      size: file.size,
      fd: file.handle.fd,
      open: () => fileReadStream(async () => file, false),
    };
    return await client.webftp.upload({
      transport: nodeTransport,
      ...rest,
      remotePath: remoteFilePath(rest.remotePath, localPath),
      source,
    });
  } finally {
    await file.handle.close();
  }
}

/** `/home/user/` plus `config.txt` is `/home/user/config.txt`; a full file path stays as it is. */
export function remoteFilePath(remotePath: string, localPath: string): string {
  return remotePath.endsWith("/") ? `${remotePath}${basename(localPath)}` : remotePath;
}

export interface DownloadFileOptions extends Omit<DownloadOptions, "destination">, ExtractLimits {
  /** Where the file goes; for a folder, the directory to extract into (with extract) or the zip's path. */
  localPath: string;
  /** Folders only: extract the zip into `localPath` instead of saving it. */
  extract?: boolean | undefined;
  /**
   * Called with the real path of the destination (the file, or the directory extracted into)
   * before anything is written; throw to refuse it. Every file is then created fresh and
   * checked to be exactly there, so a link swapped in meanwhile is refused, not followed.
   */
  checkOpened?: ((realPath: string) => void) | undefined;
}

export interface DownloadFileResult extends DownloadResult {
  localPath: string;
  /** Files written when a folder was extracted. */
  files?: string[];
}

/**
 * Downloads to disk. Bytes go to a new temporary file (mode 0600, exclusive create, no link
 * followed) beside the target and are renamed into place only when complete, so a failed
 * transfer never leaves half a file, and an existing link or hard link at the target is
 * replaced, never written through.
 */
export async function downloadFile(
  client: AlpaconClient,
  options: DownloadFileOptions,
): Promise<DownloadFileResult> {
  const { localPath, extract, checkOpened, maxBytes, maxEntries, maxRatio, ...rest } = options;
  if (extract && rest.resourceType !== "folder")
    throw new ConfigError("extract applies to folder downloads only.");
  return saveDownload(
    { localPath, extract, checkOpened, maxBytes, maxEntries, maxRatio, signal: rest.signal },
    (destination) => client.webftp.download({ transport: nodeTransport, ...rest, destination }),
    // A folder's zip holds `folder/…`: stripping that level makes localPath the folder.
    (result) => result.name,
  );
}

export interface BulkDownloadFileOptions
  extends Omit<BulkDownloadOptions, "destination">,
    ExtractLimits {
  /** The zip's path, or (with extract) the directory to extract into. */
  localPath: string;
  /** Extract the zip into `localPath` (each file or folder under its own name) instead of saving it. */
  extract?: boolean | undefined;
  /** As in DownloadFileOptions. */
  checkOpened?: ((realPath: string) => void) | undefined;
}

/**
 * Downloads several files and folders of one server as one zip (`createBulkDownload`), and
 * saves it at `localPath` or extracts it there (as the CLI's `cp` of several sources does), with
 * every safeguard of `downloadFile`: nothing written through a link, no entry outside the
 * directory, the extraction limits.
 */
export async function downloadBulkFile(
  client: AlpaconClient,
  options: BulkDownloadFileOptions,
): Promise<DownloadFileResult> {
  const { localPath, extract, checkOpened, maxBytes, maxEntries, maxRatio, ...rest } = options;
  return saveDownload(
    { localPath, extract, checkOpened, maxBytes, maxEntries, maxRatio, signal: rest.signal },
    (destination) => client.webftp.downloadBulk({ transport: nodeTransport, ...rest, destination }),
    () => undefined,
  );
}

interface SaveOptions extends ExtractLimits {
  localPath: string;
  extract?: boolean | undefined;
  checkOpened?: ((realPath: string) => void) | undefined;
  signal?: AbortSignal | undefined;
}

/** What downloadFile and downloadBulkFile share: a temporary file, then a rename or an extraction. */
async function saveDownload(
  options: SaveOptions,
  run: (destination: DownloadDestination) => Promise<DownloadResult>,
  stripFolder: (result: DownloadResult) => string | undefined,
): Promise<DownloadFileResult> {
  const { localPath, extract, checkOpened, maxBytes, maxEntries, maxRatio, signal } = options;
  const requested = resolve(localPath);
  await mkdir(extract ? requested : dirname(requested), { recursive: true });
  const directory = await realpath(extract ? requested : dirname(requested));
  const target = extract ? directory : join(directory, basename(requested));
  checkOpened?.(target);
  const temp = join(
    directory,
    extract
      ? `.alpacon-${randomBytes(6).toString("hex")}.zip`
      : `.${basename(requested)}.${randomBytes(6).toString("hex")}.part`,
  );
  try {
    const result = await run(newFile(temp));
    if (!extract) {
      await replaceWith(temp, target);
      return { ...result, localPath: target };
    }
    const files = await extractZip(temp, directory, {
      stripFolder: stripFolder(result),
      signal,
      maxBytes,
      maxEntries,
      maxRatio,
      realRoot: true,
    });
    return { ...result, localPath: target, files };
  } finally {
    await rm(temp, { force: true });
  }
}

/** Renames a finished download onto its target, which may be a file or a link, nothing else. */
async function replaceWith(temp: string, target: string): Promise<void> {
  await expectReplaceable(target);
  // The directory was real when the temporary file was created in it; refuse if it was
  // replaced by a link since, rather than rename through it.
  const directory = dirname(target);
  if ((await realpath(directory)) !== directory) {
    throw new UnsafePathError(`${directory} was replaced during the download; nothing was saved.`);
  }
  await rename(temp, target);
}

/**
 * A download's temporary file, created afresh by each attempt (exclusive create, mode 0600, no
 * link followed) and checked to be exactly at `path` before a byte is written.
 */
function newFile(path: string): DownloadDestination {
  const onOpen = (fd: number) => expectOpenedAt(fd, path);
  return {
    file: { path, onOpen },
    prepare: () => rm(path, { force: true }),
    // For a transport that does not write files itself (a client given its own fetch).
    open: async () => {
      const handle = await open(path, CREATE_NEW, 0o600);
      try {
        onOpen(handle.fd);
      } catch (error) {
        await handle.close();
        throw error;
      }
      return new WritableStream<Uint8Array>({
        write: async (chunk) => {
          for (let offset = 0; offset < chunk.byteLength; ) {
            offset += (await handle.write(chunk, offset)).bytesWritten;
          }
        },
        close: () => handle.close(),
        abort: () => handle.close(),
      });
    },
  };
}
