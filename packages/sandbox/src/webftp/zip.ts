/**
 * Zip in and out of a simulated filesystem, streaming: folder downloads are zipped into a
 * storage file, and uploads with `allow_unzip` are extracted into the server's filesystem.
 *
 * Writer: yazl. It is a Node-stream zip writer that pulls one entry at a time with
 * backpressure (a 1 GiB file inside a folder never sits in memory), writes ZIP64 on its own
 * when an entry or the archive passes 4 GiB, and has a single small dependency. fflate's
 * streaming `Zip` has no backpressure (its `ondata` callback cannot pause the producer) and no
 * ZIP64. Reader: yauzl, the writer's sibling, which reads the central directory from disk and
 * rejects absolute and `..` entry names (zip slip) by default.
 */
import { createWriteStream } from "node:fs";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import yauzl from "yauzl";
import yazl from "yazl";
import type { Credentials, Vfs } from "../shell/index.js";
import { basename, dirname, joinPath } from "../shell/index.js";
import type { TransferStorage } from "./storage.js";

/** Content up to this size is kept in the VFS as bytes (so `cat` shows it); larger is a `ref`. */
export const INLINE_LIMIT = 4 * 1024 * 1024;

/**
 * Zips `root`, read as `as` (throws the `VfsError` of the first entry it may not read), the way
 * alpamon's `CreateZip` does: entry names start with the folder's own name
 * (`app/conf/a.yml`), files are deflated, and only empty directories get an entry of their own.
 * Files kept in storage (`ref`, the big ones) are stored uncompressed, so zipping 1 GiB stays
 * fast; they stream from their storage file.
 */
export function zipFolder(vfs: Vfs, root: string, dest: string, as: Credentials): Promise<number> {
  return zipPaths(vfs, [root], dest, as);
}

/**
 * Zips several files and folders into one archive (a bulk download), each under its own
 * basename, as `zipFolder` zips one.
 */
export async function zipPaths(
  vfs: Vfs,
  roots: readonly string[],
  dest: string,
  as: Credentials,
): Promise<number> {
  const zip = new yazl.ZipFile();
  for (const root of roots) addTree(zip, vfs, root, as);
  zip.end();
  const output = createWriteStream(dest);
  await pipeline(zip.outputStream, output);
  return output.bytesWritten;
}

function addTree(zip: yazl.ZipFile, vfs: Vfs, root: string, as: Credentials): void {
  const base = root === "/" ? "" : basename(root);
  const nameOf = (path: string) => {
    const rel = path === root ? "" : path.slice(root === "/" ? 1 : root.length + 1);
    return base === "" ? rel : rel === "" ? base : `${base}/${rel}`;
  };
  for (const entry of vfs.walk(root)) {
    const name = nameOf(entry.path);
    const node = vfs.getNode(entry.path);
    if (node === undefined) continue;
    // The agent walks and opens as the demoted user: a file or folder that user cannot read
    // fails the whole download (Go's walk stops at the first error), as `cat` fails in a shell.
    if (node.kind === "dir") vfs.listDir(entry.path, as);
    else vfs.readFile(entry.path, as);
    if (name === "") continue;
    if (node.kind === "dir") {
      if (node.children.size === 0) {
        zip.addEmptyDirectory(name, { mtime: entry.mtime, mode: 0o040000 | (entry.mode & 0o777) });
      }
      continue;
    }
    const options = { mtime: entry.mtime, mode: 0o100000 | (entry.mode & 0o777) };
    if (node.ref !== undefined) {
      zip.addFile(node.ref, name, { ...options, compress: false });
    } else {
      zip.addBuffer(Buffer.from(node.data), name, { ...options, compress: true });
    }
  }
}

export interface ExtractTarget {
  vfs: Vfs;
  /** Directory the entries land in (the zip's own directory, as alpamon does). */
  dir: string;
  as: Credentials;
  storage: TransferStorage;
}

/** Extracts every entry of the zip at `zipPath` (a host file) into the VFS. */
export async function extractZip(zipPath: string, target: ExtractTarget): Promise<void> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(zipPath, { lazyEntries: true, autoClose: true }, (error, file) =>
      error ? reject(error) : resolve(file),
    ),
  );
  const { vfs, as } = target;
  const mkdirs = (dir: string) => vfs.mkdir(dir, { parents: true, as });
  mkdirs(target.dir);
  await new Promise<void>((resolve, reject) => {
    const fail = (error: unknown) => {
      zip.close();
      reject(error);
    };
    zip.on("error", fail);
    zip.on("end", () => resolve());
    zip.on("entry", (entry: yauzl.Entry) => {
      const name = entry.fileName.replace(/\/+$/, "");
      const path = name === "" ? target.dir : joinPath(target.dir, name);
      const unixMode = (entry.externalFileAttributes >>> 16) & 0o777;
      const mode = unixMode === 0 ? undefined : unixMode;
      if (entry.fileName.endsWith("/")) {
        try {
          mkdirs(path);
        } catch (error) {
          fail(new Error(`failed to create directory for "${entry.fileName}": ${reason(error)}`));
          return;
        }
        zip.readEntry();
        return;
      }
      writeEntry(zip, entry, path, mode, target).then(
        () => zip.readEntry(),
        (error: unknown) =>
          fail(new Error(`failed to extract "${entry.fileName}": ${reason(error)}`)),
      );
    });
    zip.readEntry();
  });
}

async function writeEntry(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry,
  path: string,
  mode: number | undefined,
  target: ExtractTarget,
): Promise<void> {
  const { vfs, as } = target;
  vfs.mkdir(dirname(path), { parents: true, as });
  const stream = await new Promise<Readable>((resolve, reject) =>
    zip.openReadStream(entry, (error, s) => (error ? reject(error) : resolve(s))),
  );
  const meta = { as, ...(mode === undefined ? {} : { mode }), mtime: entry.getLastModDate() };
  if (entry.uncompressedSize <= INLINE_LIMIT) {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    vfs.writeFile(path, Buffer.concat(chunks), meta);
    return;
  }
  const stored = await target.storage.receive(stream, "unzip");
  vfs.writeFile(path, new Uint8Array(0), { ...meta, size: stored.size, ref: stored.path });
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
