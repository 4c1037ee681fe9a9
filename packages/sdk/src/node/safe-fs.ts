import {
  constants,
  existsSync,
  fstatSync,
  lstatSync,
  readlinkSync,
  realpathSync,
  type Stats,
  statSync,
  unlinkSync,
} from "node:fs";
import { type FileHandle, lstat, mkdir, open, realpath, rmdir } from "node:fs/promises";
import { basename, dirname, join, relative, sep } from "node:path";
import { AlpaconError, ConfigError } from "../core/errors.js";

// Absent on Windows: there, links and FIFOs are rare and the dev/ino comparison below still runs.
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const O_NONBLOCK = constants.O_NONBLOCK ?? 0;
/** Creates a new file and fails if anything (a file, a link, a FIFO) already has the name. */
export const CREATE_NEW =
  constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | O_NOFOLLOW | O_NONBLOCK;
// Non-blocking, so a FIFO swapped in for the file opens at once (and is then refused) instead
// of blocking a thread-pool thread until a writer shows up.
const READ_NONBLOCKING = constants.O_RDONLY | O_NONBLOCK;

const PROC_FD = process.platform === "linux" && existsSync("/proc/self/fd");

/** A local file operation refused for safety: nothing was written outside its destination. */
export class LocalFileError extends AlpaconError {
  override name = "LocalFileError";
}

/** Thrown when what was opened is not what was checked: a link, a swap, a FIFO or a device. */
export class UnsafePathError extends LocalFileError {
  override name = "UnsafePathError";
}

/**
 * The real path of an open file, as the kernel knows it: where the bytes actually are, however
 * the path was spelled and whatever changed on disk since it was checked. Linux reads it from
 * /proc; elsewhere the path's real path is used only if it names the same file (dev and ino).
 */
export function openedPathSync(fd: number, path: string, opened: Stats = fstatSync(fd)): string {
  if (PROC_FD) {
    const real = readlinkSync(`/proc/self/fd/${fd}`);
    if (!real.endsWith(" (deleted)")) return real;
  }
  const real = realpathSync(path);
  const named = statSync(real);
  if (named.dev !== opened.dev || named.ino !== opened.ino) {
    throw new UnsafePathError(`${path} changed while it was being opened; try again.`);
  }
  return real;
}

/** An opened regular file and where it really is. */
export interface OpenedFile {
  handle: FileHandle;
  realPath: string;
  size: number;
  /** Which file it is, whatever its name: a hard link shares these with the file it links. */
  identity: FileIdentity;
}

export interface FileIdentity {
  dev: number;
  ino: number;
}

/**
 * Opens a file for reading and checks what was opened, not the path: it must be a regular file
 * (a FIFO would block, a device never ends), and its real path is taken from the descriptor.
 */
export async function openRegularFile(path: string): Promise<OpenedFile> {
  let handle: FileHandle;
  try {
    handle = await open(path, READ_NONBLOCKING);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(
      `Cannot read ${path}: ${code === "ENOENT" ? "no such file" : code === "ENXIO" ? "it is a socket, not a regular file" : (error as Error).message}.`,
    );
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      throw new UnsafePathError(
        `${path} is not a regular file${info.isDirectory() ? "; upload folders as a zip with unzip: true" : ""}.`,
      );
    }
    return {
      handle,
      realPath: openedPathSync(handle.fd, path, info),
      size: info.size,
      identity: { dev: info.dev, ino: info.ino },
    };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/**
 * Creates `name` fresh in `directory` (exclusive, no link followed, mode 0600) and checks that
 * the new file is really there: `directory` must be its real parent, so a directory swapped for
 * a link after it was checked is caught before a byte is written.
 */
export async function createFresh(directory: string, name: string): Promise<FileHandle> {
  const path = join(directory, name);
  const handle = await open(path, CREATE_NEW, 0o600);
  try {
    expectOpenedAt(handle.fd, path);
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** Throws unless the open descriptor `fd` is the file at the real path `path`. */
export function expectOpenedAt(fd: number, path: string): void {
  const actual = openedPathSync(fd, path);
  if (actual !== path) {
    removeIfSame(fd, actual);
    throw new UnsafePathError(
      `${path} resolved to ${actual} when it was opened: a directory on the way was replaced by a link. Nothing was written there.`,
    );
  }
}

/**
 * An exclusive create through a swapped-in link made a new, empty file elsewhere: remove it,
 * if the name there still is that file.
 */
function removeIfSame(fd: number, actual: string): void {
  try {
    const opened = fstatSync(fd);
    const named = lstatSync(actual);
    if (named.dev === opened.dev && named.ino === opened.ino) unlinkSync(actual);
  } catch {
    // Gone already, or moved on: nothing of ours to remove.
  }
}

/**
 * Makes `path` (relative to the real directory `root`) a directory, one component at a time,
 * refusing any component that is a link or not a directory. Answers the directories it created,
 * outermost first, so a failed extraction can remove them again.
 */
export async function mkdirInside(root: string, path: string): Promise<string[]> {
  const created: string[] = [];
  let current = root;
  for (const part of relative(root, path).split(sep)) {
    if (part === "") continue;
    current = join(current, part);
    const existing = await lstat(current).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return undefined;
      throw error;
    });
    if (existing === undefined) {
      // mkdir never follows a link at its last component: a link made meanwhile fails it.
      await mkdir(current, { mode: 0o700 });
      created.push(current);
    } else if (existing.isSymbolicLink()) {
      throw new UnsafePathError(
        `${current} is a symbolic link; nothing is written through links in the destination. Remove the link or choose another destination.`,
      );
    } else if (!existing.isDirectory()) {
      throw new UnsafePathError(`${current} exists and is not a directory.`);
    }
  }
  return created;
}

/**
 * Throws unless `target` is absent, a regular file or a link: the only things a finished file
 * may be renamed over. A directory, FIFO, socket or device is left as it is.
 */
export async function expectReplaceable(target: string): Promise<void> {
  const existing = await lstat(target).catch(() => undefined);
  if (existing && !existing.isFile() && !existing.isSymbolicLink()) {
    throw new UnsafePathError(
      `${target} exists and is ${existing.isDirectory() ? "a directory" : "not a regular file"}; it was left as it is. Choose another local path.`,
    );
  }
}

/** Removes directories this process created, innermost first, if they are still empty. */
export async function removeCreatedDirectories(created: readonly string[]): Promise<void> {
  for (const directory of [...created].reverse()) await rmdir(directory).catch(() => undefined);
}

/** The real path of a file that may not exist yet: its directory's real path plus its name. */
export async function realTarget(path: string): Promise<string> {
  return join(await realpath(dirname(path)), basename(path));
}
