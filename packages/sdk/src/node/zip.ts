import { randomBytes } from "node:crypto";
import { realpath, rename, unlink } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Entry, ZipFile } from "yauzl";
import { AbortedError, AlpaconError } from "../core/errors.js";
import {
  createFresh,
  expectReplaceable,
  LocalFileError,
  mkdirInside,
  removeCreatedDirectories,
} from "./safe-fs.js";

/** Limits on what one extraction may write; a zip that exceeds one is refused and cleaned up. */
export interface ExtractLimits {
  /** Total bytes written. Default 4 GiB. */
  maxBytes?: number | undefined;
  /** Entries (files and folders) in the zip. Default 100 000. */
  maxEntries?: number | undefined;
  /**
   * Uncompressed to compressed size of one entry, for entries over 1 MiB. Default 200: text
   * compresses about 10:1, a zip bomb thousands to one.
   */
  maxRatio?: number | undefined;
}

export interface ExtractOptions extends ExtractLimits {
  /** A folder zip may hold `folder/…` entries: stripping that level makes the directory the folder. */
  stripFolder?: string | undefined;
  signal?: AbortSignal | undefined;
  /**
   * `directory` is already a real path (checked by the caller): refuse if it no longer is.
   * @internal
   */
  realRoot?: boolean | undefined;
}

export const DEFAULT_EXTRACT_LIMITS = {
  maxBytes: 4 * 1024 ** 3,
  maxEntries: 100_000,
  maxRatio: 200,
} as const;
// Small entries can have any ratio (a 2 KiB file of spaces): they cannot fill a disk.
const RATIO_FLOOR = 1024 * 1024;

/** A zip that exceeds an extraction limit. Nothing of it is left on disk. */
export class ExtractLimitError extends LocalFileError {}

interface Limits {
  maxBytes: number;
  maxEntries: number;
  maxRatio: number;
}

interface Staged {
  temp: string;
  target: string;
}

/**
 * Extracts a zip into `directory` without ever writing through something already there. yauzl
 * reads entries one at a time (bounded memory) and rejects absolute and `..` names; the name
 * check below is a second guard, and symbolic-link entries are refused. Each file is created fresh (exclusive, no-follow) beside its
 * target in a directory whose every component under `directory` was checked not to be a link,
 * the descriptor is checked to be where it should, and only when every entry is in, within the
 * limits, are the files renamed into place. A rename replaces a link or a hard link's name, never
 * the file behind it. On failure or cancellation, the temporary files and the directories this
 * call created are removed.
 */
export async function extractZip(
  zipPath: string,
  directory: string,
  options: ExtractOptions = {},
): Promise<string[]> {
  const prefix = options.stripFolder ? `${options.stripFolder}/` : undefined;
  const limits = {
    maxBytes: options.maxBytes ?? DEFAULT_EXTRACT_LIMITS.maxBytes,
    maxEntries: options.maxEntries ?? DEFAULT_EXTRACT_LIMITS.maxEntries,
    maxRatio: options.maxRatio ?? DEFAULT_EXTRACT_LIMITS.maxRatio,
  };
  const { signal } = options;
  const root = await realpath(resolve(directory));
  if (options.realRoot && root !== directory) {
    throw unsafe(`${directory} was replaced by a link to ${root} during the download`);
  }
  // Loaded on first use, like everything only folder downloads need.
  const { open } = await import("yauzl");
  const zip = await new Promise<ZipFile>((resolvePromise, reject) =>
    open(zipPath, { lazyEntries: true, autoClose: false }, (error, file) =>
      error || !file ? reject(unsafe(error?.message ?? "unreadable zip")) : resolvePromise(file),
    ),
  );
  const staged: Staged[] = [];
  const createdDirectories: string[] = [];
  const state = { total: 0 };
  try {
    if (zip.entryCount > limits.maxEntries) {
      throw limit(`it holds ${zip.entryCount} entries, over the limit of ${limits.maxEntries}`);
    }
    for (;;) {
      throwIfAborted(signal);
      const entry = await nextEntry(zip, signal);
      if (!entry) break;
      const name =
        prefix && entry.fileName.startsWith(prefix)
          ? entry.fileName.slice(prefix.length)
          : entry.fileName;
      if (name === "") continue;
      const target = resolve(root, name);
      const inside = relative(root, target);
      if (
        isAbsolute(entry.fileName) ||
        inside.startsWith(`..${sep}`) ||
        inside === ".." ||
        isAbsolute(inside)
      ) {
        throw unsafe(`entry ${JSON.stringify(entry.fileName)} points outside the destination`);
      }
      if (name.endsWith("/")) {
        createdDirectories.push(...(await mkdirInside(root, target)));
        continue;
      }
      // A link entry would be written as a plain file holding its target; refuse it instead:
      // a zip the agent made of real files never holds one.
      if (((entry.externalFileAttributes >>> 16) & 0o170000) === 0o120000) {
        throw unsafe(`entry ${JSON.stringify(entry.fileName)} is a symbolic link`);
      }
      checkDeclared(entry, limits, state.total);
      createdDirectories.push(...(await mkdirInside(root, dirname(target))));
      const stream = await openReadStream(zip, entry);
      const temp = `.alpacon-${randomBytes(6).toString("hex")}.part`;
      const handle = await createFresh(dirname(target), temp);
      staged.push({ temp: join(dirname(target), temp), target });
      await pipeline(
        stream,
        counter(entry, limits, state),
        handle.createWriteStream(),
        ...(signal ? [{ signal }] : []),
      );
    }
    await placeAll(root, staged);
    return staged.map(({ target }) => target);
  } catch (error) {
    await Promise.all(staged.map(({ temp }) => unlink(temp).catch(() => undefined)));
    await removeCreatedDirectories(createdDirectories);
    if (signal?.aborted) throw new AbortedError("The download was aborted.", { cause: error });
    throw error instanceof AlpaconError ? error : unsafe((error as Error).message);
  } finally {
    zip.close();
  }
}

/**
 * Renames every staged file onto its target. Targets are checked first, so a refusal leaves
 * everything as it was: a directory or a FIFO, socket or device is never replaced.
 */
async function placeAll(root: string, staged: readonly Staged[]): Promise<void> {
  for (const { target } of staged) await expectReplaceable(target);
  for (const { temp, target } of staged) {
    // The parent was checked when the file was created; check again right before the rename,
    // so a directory swapped for a link in between is refused rather than followed.
    await mkdirInside(root, dirname(target));
    await rename(temp, target);
  }
}

function checkDeclared(entry: Entry, limits: Limits, total: number): void {
  if (total + entry.uncompressedSize > limits.maxBytes) {
    throw limit(`it would write more than ${bytesText(limits.maxBytes)}`);
  }
  if (tooCompressed(entry.uncompressedSize, entry.compressedSize, limits.maxRatio)) {
    throw limit(
      `entry ${JSON.stringify(entry.fileName)} expands ${Math.round(entry.uncompressedSize / Math.max(entry.compressedSize, 1))} times, over the limit of ${limits.maxRatio}`,
    );
  }
}

/** Counts what is really written: a size header that lies is caught here (and by yauzl). */
function counter(entry: Entry, limits: Limits, state: { total: number }): Transform {
  let bytes = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      state.total += chunk.length;
      if (state.total > limits.maxBytes) {
        return callback(limit(`it would write more than ${bytesText(limits.maxBytes)}`));
      }
      if (tooCompressed(bytes, entry.compressedSize, limits.maxRatio)) {
        return callback(
          limit(`entry ${JSON.stringify(entry.fileName)} expands over ${limits.maxRatio} times`),
        );
      }
      callback(null, chunk);
    },
  });
}

function tooCompressed(uncompressed: number, compressed: number, maxRatio: number): boolean {
  return uncompressed > RATIO_FLOOR && uncompressed > Math.max(compressed, 1) * maxRatio;
}

function nextEntry(zip: ZipFile, signal: AbortSignal | undefined): Promise<Entry | undefined> {
  return new Promise((resolvePromise, reject) => {
    const settle = (error: unknown, entry?: Entry) => {
      zip.off("entry", onEntry);
      zip.off("end", onEnd);
      zip.off("error", onError);
      signal?.removeEventListener("abort", onAbort);
      if (error) reject(error);
      else resolvePromise(entry);
    };
    const onEntry = (entry: Entry) => settle(undefined, entry);
    const onEnd = () => settle(undefined);
    const onError = (error: Error) => settle(error);
    const onAbort = () => settle(signal?.reason ?? new Error("aborted"));
    zip.on("entry", onEntry);
    zip.on("end", onEnd);
    zip.on("error", onError);
    signal?.addEventListener("abort", onAbort, { once: true });
    zip.readEntry();
  });
}

function openReadStream(zip: ZipFile, entry: Entry): Promise<NodeJS.ReadableStream> {
  return new Promise((resolvePromise, reject) =>
    zip.openReadStream(entry, (error, stream) =>
      error || !stream ? reject(error ?? new Error("unreadable entry")) : resolvePromise(stream),
    ),
  );
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortedError("The download was aborted.");
}

function bytesText(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${bytes / 1024 ** 3} GiB` : `${Math.round(bytes / 1024 ** 2)} MiB`;
}

function limit(reason: string): ExtractLimitError {
  return new ExtractLimitError(
    `The downloaded zip was not extracted: ${reason}. Nothing of it was kept. Raise the limit (extractZip/downloadFile options maxBytes, maxEntries, maxRatio) only for a zip you trust.`,
  );
}

function unsafe(reason: string): LocalFileError {
  return new LocalFileError(
    `The downloaded zip could not be extracted safely: ${reason}. Nothing outside the destination was written.`,
  );
}
