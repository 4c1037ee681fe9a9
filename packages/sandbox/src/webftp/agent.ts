/**
 * The simulated agent's side of webftp: after the upload trigger it "downloads" the stored
 * bytes into the server's filesystem, and for a download it "uploads" the file (or a zip of the
 * folder) into storage. Messages are alpamon's (`pkg/executor/handlers/file/file.go`).
 */

import { readFile } from "node:fs/promises";
import {
  type Credentials,
  credentialsFor,
  dirname,
  findUser,
  resolvePath,
  type SimulatedServer,
  type Vfs,
  type VfsError,
} from "../shell/index.js";
import {
  type Transfer,
  type TransferHooks,
  type TransferOutcome,
  uploadTarget,
} from "../state/transfers.js";
import type { WorkspaceState } from "../state/workspace.js";
import type { TransferStorage } from "./storage.js";
import { extractZip, INLINE_LIMIT, zipFolder, zipPaths } from "./zip.js";

const NO_WRITE =
  "You do not have permission to write to the directory, or directory does not exist";

interface RunAs {
  machine: SimulatedServer;
  cred: Credentials;
  home: string;
}

/** The machine and the demoted user (`username`/`groupname`) the agent acts as. */
function runAs(ws: WorkspaceState, t: Transfer): RunAs | TransferOutcome {
  const server = ws.serverById.get(t.serverId);
  if (server === undefined) return { success: false, message: "The server no longer exists." };
  const machine = ws.shells.machine(server);
  const user = findUser(machine.profile, t.username);
  if (user === undefined) return { success: false, message: `user: unknown user ${t.username}` };
  const base = credentialsFor(machine.profile, user);
  // The agent demotes to username:groupname, so new files belong to that group.
  const group = t.groupname !== "" && base.groups.includes(t.groupname) ? t.groupname : base.group;
  return { machine, cred: { ...base, group }, home: user.home };
}

/** Go's `*PathError` text: `open /x: permission denied`. */
function goError(op: string, path: string, error: unknown): string {
  const code = (error as VfsError).code;
  const text =
    code === "ENOENT"
      ? "no such file or directory"
      : code === "EACCES"
        ? "permission denied"
        : code === "EISDIR"
          ? "is a directory"
          : code === "ENOTDIR"
            ? "not a directory"
            : ((error as Error).message ?? String(error));
  return `${op} ${path}: ${text}`;
}

function isVfsError(error: unknown): error is VfsError {
  return error instanceof Error && error.name === "VfsError";
}

/**
 * Deletes the stored bytes of a file that was overwritten, unless another file (after `cp`) or
 * a live transfer (a download URL handed out for it) still points at them: a session that
 * uploads GiBs to the same path would otherwise keep every version on disk until it stops.
 */
async function releaseObject(
  ws: WorkspaceState,
  vfs: Vfs,
  ref: string,
  storage: TransferStorage,
): Promise<void> {
  if (vfs.refersTo(ref)) return;
  // A delivered upload's bytes belong to the file now; a download URL serves them for a day.
  const held =
    ws.transfers.all("download").some((t) => t.storagePath === ref) ||
    ws.transfers.all("upload").some((t) => t.storagePath === ref && t.state !== "done");
  if (!held) await storage.remove(ref);
}

export function createAgentHooks(ws: WorkspaceState, storage: TransferStorage): TransferHooks {
  return {
    async deliverUpload(t) {
      const who = runAs(ws, t);
      if (!("machine" in who)) return who;
      // The agent GETs the presigned URL; nothing was PUT there, so storage answers 404.
      if (t.storagePath === null) return { success: false, message: "downloading content failed" };
      const { machine, cred, home } = who;
      const vfs = machine.vfs;
      const target = resolvePath(home, uploadTarget(t, home), home);
      if (!t.allowOverwrite && vfs.exists(target)) {
        return { success: false, message: `${target} already exists.` };
      }
      const size = t.size ?? 0;
      const unzip = t.allowUnzip && target.toLowerCase().endsWith(".zip");
      try {
        if (vfs.isDir(target)) return { success: false, message: `open ${target}: is a directory` };
        if (unzip) {
          // alpamon writes the zip, extracts it next to itself, then deletes it: the zip itself
          // never shows, so extract straight from storage (after checking it could be written).
          vfs.writeFile(target, "", { as: cred });
          vfs.remove(target, { as: cred });
          await extractZip(t.storagePath, { vfs, dir: dirname(target), as: cred, storage });
          await storage.remove(t.storagePath);
        } else if (size <= INLINE_LIMIT) {
          // Small files live in the VFS as bytes, so the shell can `cat` and `grep` them.
          const data = await readFile(t.storagePath);
          vfs.writeFile(target, data, { as: cred });
          await storage.remove(t.storagePath);
        } else {
          // Big files stay in storage; the VFS keeps their size and a pointer to the bytes.
          const replaced = vfs.getNode(target);
          // Read now: writeFile updates the existing node in place.
          const previousRef = replaced?.kind === "file" ? replaced.ref : undefined;
          vfs.writeFile(target, new Uint8Array(0), { as: cred, size, ref: t.storagePath });
          if (previousRef !== undefined) await releaseObject(ws, vfs, previousRef, storage);
        }
      } catch (error) {
        if (!isVfsError(error)) return { success: false, message: (error as Error).message };
        if (error.code === "EISDIR")
          return { success: false, message: goError("open", target, error) };
        return { success: false, message: NO_WRITE };
      }
      return { success: true, message: `Successfully downloaded ${target}.`, size };
    },

    async prepareDownload(t) {
      const who = runAs(ws, t);
      if (!("machine" in who)) return who;
      if (t.paths !== undefined) return prepareBulk(ws, t, t.paths, who, storage);
      const { machine, cred, home } = who;
      const vfs = machine.vfs;
      const path = resolvePath(home, t.path, home);
      let isDir: boolean;
      try {
        isDir = vfs.stat(path, cred).type === "dir";
      } catch (error) {
        if (!isVfsError(error)) throw error;
        return { success: false, message: goError("stat", path, error) };
      }
      let stored: { path: string; size: number };
      if (isDir) {
        // A directory is zipped whatever `resource_type` says, as alpamon's parsePaths does.
        try {
          vfs.listDir(path, cred);
        } catch (error) {
          if (!isVfsError(error)) throw error;
          return { success: false, message: goError("open", path, error) };
        }
        const zipped = await zipToStorage(storage, (dest) => zipFolder(vfs, path, dest, cred));
        if ("success" in zipped) return zipped;
        stored = zipped;
      } else {
        let data: Uint8Array;
        try {
          data = vfs.readFile(path, cred);
        } catch (error) {
          if (!isVfsError(error)) throw error;
          return { success: false, message: goError("open", path, error) };
        }
        const node = vfs.getNode(path);
        // A big file already sits in storage (immutable): serve that very file.
        stored =
          node?.kind === "file" && node.ref !== undefined
            ? { path: node.ref, size: node.size ?? 0 }
            : await storage.store(data, "download");
      }
      ws.transfers.markStored(t.id, { size: stored.size, storagePath: stored.path });
      return { success: true, message: "Successfully uploaded 1 file(s).", size: stored.size };
    },
  };
}

/**
 * A bulk download: alpamon zips whenever it is given several paths. Every path is checked (and
 * read) as the demoted user first, so the first missing or unreadable one fails the whole
 * download with the message a single download of it would give, and nothing is stored.
 */
async function prepareBulk(
  ws: WorkspaceState,
  t: Transfer,
  paths: readonly string[],
  { machine, cred, home }: RunAs,
  storage: TransferStorage,
): Promise<TransferOutcome> {
  const vfs = machine.vfs;
  const roots = paths.map((path) => resolvePath(home, path, home));
  for (const root of roots) {
    try {
      vfs.stat(root, cred);
    } catch (error) {
      if (!isVfsError(error)) throw error;
      return { success: false, message: goError("stat", root, error) };
    }
  }
  const zipped = await zipToStorage(storage, (dest) => zipPaths(vfs, roots, dest, cred));
  if ("success" in zipped) return zipped;
  ws.transfers.markStored(t.id, { size: zipped.size, storagePath: zipped.path });
  return {
    success: true,
    message: `Successfully uploaded ${roots.length} file(s).`,
    size: zipped.size,
  };
}

/** Zips into a new storage file; an entry the user may not read fails with the agent's message. */
async function zipToStorage(
  storage: TransferStorage,
  zip: (dest: string) => Promise<number>,
): Promise<{ path: string; size: number } | TransferOutcome> {
  const dest = await storage.newPath("zip");
  try {
    return { path: dest, size: await zip(dest) };
  } catch (error) {
    await storage.remove(dest);
    if (!isVfsError(error)) throw error;
    return { success: false, message: goError("open", error.path, error) };
  }
}
