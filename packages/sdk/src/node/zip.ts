import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { pipeline } from "node:stream/promises";
import type { Entry, ZipFile } from "yauzl";
import { AlpaconError } from "../core/errors.js";

/**
 * Extracts a zip with yauzl, which reads entries one at a time from disk (bounded memory) and
 * already rejects absolute and `..` names; the containment check below is a second guard, so
 * no entry can be written outside `directory`.
 */
export async function extractZip(
  zipPath: string,
  directory: string,
  options: { stripFolder?: string | undefined } = {},
): Promise<string[]> {
  // A folder zip may hold `folder/…` entries: stripping that level makes `directory` the folder.
  const prefix = options.stripFolder ? `${options.stripFolder}/` : undefined;
  const root = resolve(directory);
  // Loaded on first use, like everything only folder downloads need.
  const { open } = await import("yauzl");
  const zip = await new Promise<ZipFile>((resolvePromise, reject) =>
    open(zipPath, { lazyEntries: true, autoClose: true }, (error, file) =>
      error || !file ? reject(unsafe(error?.message ?? "unreadable zip")) : resolvePromise(file),
    ),
  );
  const written: string[] = [];
  return new Promise<string[]>((resolvePromise, reject) => {
    const fail = (error: unknown) => {
      zip.close();
      reject(error instanceof AlpaconError ? error : unsafe((error as Error).message));
    };
    zip.on("error", fail);
    zip.on("end", () => resolvePromise(written));
    zip.on("entry", (entry: Entry) => {
      const name =
        prefix && entry.fileName.startsWith(prefix)
          ? entry.fileName.slice(prefix.length)
          : entry.fileName;
      if (name === "") return zip.readEntry();
      const target = resolve(root, name);
      const inside = relative(root, target);
      if (
        isAbsolute(entry.fileName) ||
        inside.startsWith(`..${sep}`) ||
        inside === ".." ||
        isAbsolute(inside)
      ) {
        return fail(
          unsafe(`entry ${JSON.stringify(entry.fileName)} points outside the destination`),
        );
      }
      if (name.endsWith("/")) {
        mkdir(target, { recursive: true }).then(() => zip.readEntry(), fail);
        return;
      }
      zip.openReadStream(entry, (error, stream) => {
        if (error || !stream) return fail(error);
        mkdir(dirname(target), { recursive: true })
          .then(() => pipeline(stream, createWriteStream(target, { mode: 0o600 })))
          .then(() => {
            written.push(target);
            zip.readEntry();
          }, fail);
      });
    });
    zip.readEntry();
  });
}

function unsafe(reason: string): AlpaconError {
  return new AlpaconError(
    `The downloaded zip could not be extracted safely: ${reason}. Nothing outside the destination was written.`,
  );
}
