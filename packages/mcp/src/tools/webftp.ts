import {
  type AlpaconClient,
  isTransferInProgress,
  serverLabel as refLabel,
  type TransferProgress,
} from "@alpacon/sdk";
import {
  type DownloadFileResult,
  downloadBulkFile,
  downloadFile,
  remoteFilePath,
  uploadFile,
} from "@alpacon/sdk/node";
import * as z from "zod";
import { quoted } from "../server/confirm.js";
import type { ToolContext } from "../server/context.js";
import { ToolError } from "../server/errors.js";
import { bytes, compact, listLines, withoutWebsocketUrls } from "../server/format.js";
import { serverLabel } from "../server/server-refs.js";
import { runAs } from "./commands.js";
import { clientOf, defineTool, listTool, serverId, serverRef } from "./define.js";
import { workSessionField, workSessionOf } from "./work-session.js";

const remotePath = z
  .string()
  .min(1)
  .max(4096)
  .describe("Absolute path on the server, e.g. /etc/nginx/nginx.conf.");

const localPath = z
  .string()
  .min(1)
  .max(4096)
  .describe(
    "Path on the machine running this MCP server, inside its allowed directories (by default its working directory); relative paths start there.",
  );

/** What every upload takes besides its source and destination. */
const uploadOptions = {
  username: z.string().min(1).max(64).optional().describe("Owner (system user)."),
  groupname: z.string().min(1).max(64).optional(),
  overwrite: z.boolean().default(false).describe("Replace an existing file."),
  ...workSessionField,
};

export const webftpUploadFile = defineTool({
  name: "webftp_upload_file",
  searchHint: "file upload transfer scp sftp send server",
  toolset: "webftp",
  title: "Upload a file to a server",
  description: "Copies a local file (from this MCP server's allowed directories) to a server.",
  sdk: { uploadFile },
  operation: "transfer",
  input: {
    server: serverId,
    localPath: localPath.describe(
      "File to upload, in this MCP server's allowed directories (default: its working directory).",
    ),
    remotePath: remotePath.describe(
      "A directory ending in / keeps the file name; else the full file path.",
    ),
    ...uploadOptions,
  },
  output: {
    id: z.string(),
    server: z.string(),
    localPath: z.string(),
    remotePath: z.string(),
    bytes: z.int(),
    direct: z.boolean().describe("The API gave no upload URL, so no bytes were sent from here."),
    message: z.string(),
  },
  notFound: "Check the server id with servers_list",
  confirm: async (args, context) => {
    const source = await context.runtime.roots.readable(args.localPath);
    return `Upload ${quoted(source)} to ${quoted(remoteFilePath(args.remotePath, args.localPath))} on server ${serverLabel(context.servers, args.server)}, owned${runAs(args)}${args.overwrite ? ", replacing any existing file" : ""}?`;
  },
  async run(args, context) {
    const { roots } = context.runtime;
    // Checked here for a clear early answer, and again on the file actually opened.
    const source = await roots.readable(args.localPath);
    const result = await uploadFile(clientOf(context), {
      server: args.server,
      localPath: source,
      checkOpened: (real, identity) => roots.checkRead(real, args.localPath, identity),
      // A directory ending in / keeps the name the user gave, not a link's target name.
      remotePath: remoteFilePath(args.remotePath, args.localPath),
      ...compact({ username: args.username, groupname: args.groupname }),
      overwrite: args.overwrite,
      ...workSessionOf(args),
      signal: context.signal,
      onProgress: ({ bytes: done, total }) => void context.progress(done, total, "bytes uploaded"),
    });
    return {
      id: result.id,
      server: args.server,
      localPath: source,
      remotePath: result.remotePath,
      bytes: result.bytes,
      direct: result.direct,
      message: result.message,
    };
  },
  // The agent's own report says "Successfully downloaded …" (it downloads from storage): it
  // stays in `message`, out of a text that would tell the user the opposite direction.
  summary: (result, _args, context) =>
    result.direct
      ? `The API gave no upload URL for ${result.remotePath} on server ${serverLabel(context.servers, result.server)}, so no bytes were sent from ${result.localPath}; the server reported: ${result.message || "(nothing)"}`
      : `Uploaded ${result.localPath} (${bytes(result.bytes)}) to ${result.remotePath} on server ${serverLabel(context.servers, result.server)}.`,
});

export const webftpDownloadFile = defineTool({
  name: "webftp_download_file",
  searchHint: "file download transfer get retrieve server",
  toolset: "webftp",
  title: "Download a file from a server",
  description:
    "Copies a file or folder (as .zip, or extracted) from a server into this MCP server's allowed directories, replacing an existing local file.",
  sdk: { downloadFile },
  operation: "transfer",
  input: {
    server: serverId,
    remotePath: remotePath.describe("File or folder to download."),
    localPath: localPath.describe(
      "A file path (a .zip for folders), or an existing directory with extract.",
    ),
    resourceType: z.enum(["file", "folder"]).default("file").describe("What remotePath is."),
    extract: z.boolean().default(false).describe("Unpack a folder into localPath."),
    ...workSessionField,
  },
  output: {
    id: z.string(),
    server: z.string(),
    remotePath: z.string(),
    localPath: z.string(),
    bytes: z.int(),
    files: z.array(z.string()).nullable().describe("Files extracted from a folder."),
  },
  notFound: "Check the server id with servers_list and the remote path",
  confirm: async (args, context) => {
    // The same checks as the run's: a destination outside the allowed directories fails first.
    const extracting = args.resourceType === "folder" && args.extract;
    const destination = await checkedDestination(
      { localPath: args.localPath, extract: extracting },
      context.runtime.roots,
    );
    return `Download ${args.resourceType === "folder" ? "the folder" : "the file"} ${quoted(args.remotePath)} from server ${serverLabel(context.servers, args.server)} to ${quoted(destination)} on this machine${extracting ? ", extracting it there" : ", replacing what is there"}?`;
  },
  async run(args, context) {
    const extracting = args.resourceType === "folder" && args.extract;
    const destination = await checkedDestination(
      { localPath: args.localPath, extract: extracting },
      context.runtime.roots,
    );
    const result = await downloadFile(clientOf(context), {
      server: args.server,
      remotePath: args.remotePath,
      resourceType: args.resourceType,
      extract: extracting,
      ...savingTo(destination, args, context),
    });
    return { server: args.server, remotePath: args.remotePath, ...saved(result) };
  },
  summary: (result, _args, context) =>
    `Downloaded ${result.remotePath} from server ${serverLabel(context.servers, result.server)} to ${result.localPath} (${bytes(result.bytes)}).`,
});

export const webftpBulkDownload = defineTool({
  name: "webftp_bulk_download",
  searchHint: "bulk download multiple files zip archive batch",
  advanced: true,
  toolset: "webftp",
  title: "Download several files from a server as one zip",
  description:
    "Copies several files or folders of one server, as one .zip (each under its own name) or extracted, into this MCP server's allowed directories, replacing what is there.",
  sdk: { downloadBulkFile },
  operation: "transfer",
  input: {
    server: serverId,
    remotePaths: z
      .array(remotePath)
      .min(1)
      .max(100)
      .describe("Files and folders on the server to put in the zip."),
    localPath: localPath.describe("The .zip file to write, or a directory with extract."),
    extract: z.boolean().default(false).describe("Unpack the zip into localPath."),
    username: z.string().min(1).max(64).optional().describe("System user who reads the files."),
    groupname: z.string().min(1).max(64).optional(),
    ...workSessionField,
  },
  output: {
    id: z.string(),
    server: z.string(),
    remotePaths: z.array(z.string()),
    localPath: z.string(),
    bytes: z.int().describe("Size of the zip."),
    files: z.array(z.string()).nullable().describe("Files extracted."),
  },
  notFound: "Check the server id with servers_list and the remote paths",
  confirm: async (args, context) => {
    const destination = await checkedDestination(args, context.runtime.roots);
    return `Download ${args.remotePaths.length === 1 ? "1 path" : `${args.remotePaths.length} paths`} (${args.remotePaths.map(quoted).join(", ")}) from server ${serverLabel(context.servers, args.server)}, read${runAs(args)}, as one zip to ${quoted(destination)} on this machine${args.extract ? ", extracting it there and replacing files of the same names" : ", replacing what is there"}?`;
  },
  async run(args, context) {
    const destination = await checkedDestination(args, context.runtime.roots);
    const result = await downloadBulkFile(clientOf(context), {
      server: args.server,
      remotePaths: args.remotePaths,
      extract: args.extract,
      ...compact({ username: args.username, groupname: args.groupname }),
      ...savingTo(destination, args, context),
    });
    return { server: args.server, remotePaths: args.remotePaths, ...saved(result) };
  },
  summary: (result, _args, context) =>
    `Downloaded ${result.remotePaths.length} paths from server ${serverLabel(context.servers, result.server)} as one zip (${bytes(result.bytes)}) ${result.files ? `and extracted ${result.files.length} files into` : "to"} ${result.localPath}.`,
});

/**
 * What both download tools pass on: the checked destination, checked again on what is opened,
 * the work session, cancellation and progress.
 */
function savingTo(
  destination: string,
  args: { localPath: string; workSession?: string | undefined },
  context: ToolContext,
) {
  const { roots } = context.runtime;
  return {
    localPath: destination,
    checkOpened: (real: string) => roots.checkWrite(real, args.localPath),
    ...workSessionOf(args),
    signal: context.signal,
    onProgress: ({ bytes: done, total }: TransferProgress) =>
      void context.progress(done, total, "bytes downloaded"),
  };
}

function saved(result: DownloadFileResult) {
  const { id, localPath: written, bytes: size, files } = result;
  return { id, localPath: written, bytes: size, files: files ?? null };
}

/** The checked destination: a directory to extract into, or the zip file's path. */
function checkedDestination(
  args: { localPath: string; extract: boolean },
  roots: { directory(path: string): Promise<string>; writable(path: string): Promise<string> },
): Promise<string> {
  return args.extract ? roots.directory(args.localPath) : roots.writable(args.localPath);
}

const transfer = z.looseObject({
  id: z.string(),
  name: z.string(),
  // A bulk download lists every path its zip holds.
  path: z.union([z.string(), z.array(z.string())]),
  server: serverRef,
  size: z.int().nullable().optional(),
  username: z.string(),
  expires_at: z.string(),
});

// Presigned storage URLs work without a token for anyone who has them: they stay out of results.
function withoutUrls<T extends { upload_url?: unknown; download_url?: unknown }>(
  item: T,
): Omit<T, "upload_url" | "download_url"> {
  const { upload_url: _up, download_url: _down, ...rest } = item;
  return rest;
}

/** What webftp_uploads_list and webftp_downloads_list share: all but the list they read. */
const transferList = {
  input: { server: serverId.optional().describe("Only this server's.") },
  query: (args: { server?: string | undefined }) => ({ ...args, ordering: "-added_at" }),
  rows: "transfers" as const,
  row: transfer,
  map: <T extends { upload_url?: unknown; download_url?: unknown }>(items: T[]) =>
    items.map((item) => withoutUrls(item)),
  line: (item: z.output<typeof transfer>) =>
    `${(typeof item.path === "string" ? item.path : item.path.join(", ")) || item.name} on ${refLabel(item.server)} (${bytes(item.size)}) by ${item.username}`,
};

export const webftpUploadsList = listTool({
  name: "webftp_uploads_list",
  searchHint: "webftp uploads history list files",
  toolset: "webftp",
  title: "List uploads",
  description: "File transfers to servers (WebFTP uploads), newest first.",
  sdk: (c: AlpaconClient) => c.webftp.uploads.list,
  ...transferList,
  noun: "uploads",
});

export const webftpDownloadsList = listTool({
  name: "webftp_downloads_list",
  searchHint: "webftp downloads history list files",
  toolset: "webftp",
  title: "List downloads",
  description: "File transfers from servers (WebFTP downloads), newest first.",
  sdk: (c: AlpaconClient) => c.webftp.downloads.list,
  ...transferList,
  noun: "downloads",
});

export const webftpSessionsList = listTool({
  name: "webftp_sessions_list",
  searchHint: "webftp sessions list active file transfer",
  toolset: "webftp",
  title: "List file-manager sessions",
  description: "File manager sessions: who browsed files on which server, when.",
  sdk: (c) => c.webftp.sessions.list,
  input: { server: serverId.optional().describe("Only on this server.") },
  rows: "sessions",
  row: z.looseObject({
    id: z.string(),
    server: serverRef.optional(),
    username: z.string().optional(),
    added_at: z.string().optional(),
  }),
  map: withoutWebsocketUrls,
  noun: "WebFTP sessions",
  line: (item) =>
    `${item.id}${item.server ? ` on ${refLabel(item.server)}` : ""}${item.username ? ` as ${item.username}` : ""}${item.added_at ? ` at ${item.added_at}` : ""}`,
});

/** Text or base64 as bytes; base64 is checked, since Buffer.from silently skips what is not. */
function contentBytes(content: string, encoding: "utf8" | "base64"): Uint8Array {
  if (encoding === "utf8") return Buffer.from(content, "utf8");
  const clean = content.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 === 1) {
    throw new ToolError(
      "content is not valid base64",
      'Send the bytes base64-encoded, or plain text with encoding "utf8"',
    );
  }
  return Buffer.from(clean, "base64");
}

export const webftpUploadContent = defineTool({
  name: "webftp_upload_content",
  searchHint: "file upload content base64 remote mode attach",
  advanced: true,
  toolset: "webftp",
  title: "Write content to a file on a server",
  description:
    "Writes text (or base64 bytes) given here to a file on a server: for a config or script you composed, when there is no local file.",
  sdk: (c) => c.webftp.upload,
  operation: "transfer",
  input: {
    server: serverId,
    remotePath: remotePath.describe("The file to write: its full path."),
    content: z.string().max(10_000_000).describe("The file's content."),
    encoding: z.enum(["utf8", "base64"]).default("utf8").describe("base64 for binary content."),
    ...uploadOptions,
  },
  output: {
    id: z.string(),
    server: z.string(),
    remotePath: z.string(),
    bytes: z.int(),
    message: z.string(),
  },
  notFound: "Check the server id with servers_list",
  confirm: (args, context) =>
    `Write ${bytes(contentBytes(args.content, args.encoding).length)} to ${quoted(args.remotePath)} on server ${serverLabel(context.servers, args.server)}, owned${runAs(args)}${args.overwrite ? ", replacing any existing file" : ""}?`,
  async run(args, context) {
    const result = await clientOf(context).webftp.upload({
      server: args.server,
      remotePath: args.remotePath,
      source: contentBytes(args.content, args.encoding),
      ...compact({ username: args.username, groupname: args.groupname }),
      overwrite: args.overwrite,
      ...workSessionOf(args),
      signal: context.signal,
    });
    const { id, remotePath: written, bytes: size, message } = result;
    return { id, server: args.server, remotePath: written, bytes: size, message };
  },
  summary: (result, _args, context) =>
    `Wrote ${bytes(result.bytes)} to ${result.remotePath} on server ${serverLabel(context.servers, result.server)}.`,
});

export const webftpBulkUpload = defineTool({
  name: "webftp_bulk_upload",
  searchHint: "bulk upload multiple files batch transfer",
  advanced: true,
  toolset: "webftp",
  title: "Upload several files to a server",
  description:
    "Copies several local files (from this MCP server's allowed directories) into one directory on a server, one after another; stops at the first failure and says which were copied.",
  sdk: { uploadFile },
  operation: "transfer",
  input: {
    server: serverId,
    localPaths: z.array(localPath).min(1).max(50).describe("Files to upload."),
    remoteDirectory: remotePath.describe("Directory on the server; the files keep their names."),
    ...uploadOptions,
    overwrite: z.boolean().default(false).describe("Replace existing files."),
  },
  output: {
    server: z.string(),
    uploaded: z.array(z.object({ localPath: z.string(), remotePath: z.string(), bytes: z.int() })),
  },
  notFound: "Check the server id with servers_list",
  confirm: async (args, context) => {
    const sources = [];
    for (const path of args.localPaths) sources.push(await context.runtime.roots.readable(path));
    return `Upload ${sources.length} files (${sources.map(quoted).join(", ")}) into ${quoted(directoryOf(args.remoteDirectory))} on server ${serverLabel(context.servers, args.server)}, owned${runAs(args)}${args.overwrite ? ", replacing existing files" : ""}?`;
  },
  async run(args, context) {
    const { roots } = context.runtime;
    // Every file is checked before the first is sent: a refused one must not leave half a batch.
    const sources: string[] = [];
    for (const path of args.localPaths) sources.push(await roots.readable(path));
    const uploaded: Array<{ localPath: string; remotePath: string; bytes: number }> = [];
    // One at a time: a transfer the API has not confirmed is never followed by another.
    for (const [index, path] of args.localPaths.entries()) {
      const source = sources[index]!;
      const result = await uploadFile(clientOf(context), {
        server: args.server,
        localPath: source,
        checkOpened: (real, identity) => roots.checkRead(real, path, identity),
        remotePath: remoteFilePath(directoryOf(args.remoteDirectory), path),
        ...compact({ username: args.username, groupname: args.groupname }),
        overwrite: args.overwrite,
        ...workSessionOf(args),
        signal: context.signal,
      }).catch((error: unknown) => {
        throw partialFailure(
          error,
          uploaded.map((item) => item.localPath),
        );
      });
      uploaded.push({ localPath: source, remotePath: result.remotePath, bytes: result.bytes });
      void context.progress(index + 1, args.localPaths.length, "files uploaded");
    }
    return { server: args.server, uploaded };
  },
  summary: (result, _args, context) =>
    `Uploaded ${result.uploaded.length} files to server ${serverLabel(context.servers, result.server)}:${listLines(result.uploaded, (item) => `${item.localPath} → ${item.remotePath} (${bytes(item.bytes)})`)}`,
});

function directoryOf(path: string): string {
  return path.endsWith("/") ? path : `${path}/`;
}

/** A failed file of several: what failed and why, and which files were already copied. */
function partialFailure(error: unknown, done: readonly string[]): unknown {
  if (done.length === 0) return error;
  const why = error instanceof Error ? error.message : String(error);
  return new ToolError(
    `${why} (after ${done.length} files were copied: ${done.join(", ")})`,
    "Check the failed file, then upload only the ones not copied yet",
  );
}

type TransferState = "running" | "succeeded" | "failed";

export const webftpCheckStatus = defineTool({
  name: "webftp_check_status",
  searchHint: "webftp transfer status check poll progress",
  toolset: "webftp",
  title: "Check a transfer's status",
  description: "Whether an upload or download (by id) is still running, succeeded or failed.",
  sdk: [(c) => c.webftp.uploads.status, (c) => c.webftp.downloads.status],
  operation: "GET",
  input: {
    transfer: z.guid().describe("From webftp_uploads_list or webftp_downloads_list."),
    kind: z.enum(["upload", "download"]).describe("Which list the id is from."),
  },
  output: {
    transfer: z.string(),
    kind: z.string(),
    state: z.enum(["running", "succeeded", "failed"]),
    message: z.string().nullable(),
  },
  notFound: "Check the id with webftp_uploads_list or webftp_downloads_list",
  async run(args, { call }) {
    const read =
      args.kind === "upload"
        ? call((c) => c.webftp.uploads.status)
        : call((c) => c.webftp.downloads.status);
    try {
      const status = await read(args.transfer);
      const state: TransferState =
        status.success === null ? "running" : status.success ? "succeeded" : "failed";
      return { ...args, state, message: status.message ?? null };
    } catch (error) {
      if (isTransferInProgress(error)) return { ...args, state: "running" as const, message: null };
      throw error;
    }
  },
  summary: (result) =>
    `The ${result.kind} ${result.transfer} ${result.state === "running" ? "is still running" : result.state}${result.message ? `: ${result.message}` : "."}`,
});

export const webftpSessionCreate = defineTool({
  name: "webftp_session_create",
  searchHint: "webftp session create file transfer",
  advanced: true,
  toolset: "webftp",
  title: "Open a file-manager session",
  description:
    "Opens a WebFTP file-manager session on a server (as the web console's file browser does); uploads and downloads open their own.",
  sdk: (c) => c.webftp.sessions.create,
  operation: "POST",
  effect: "grant-access",
  input: {
    server: serverId,
    username: z.string().min(1).max(64).optional().describe("System user; default the token's."),
    groupname: z.string().min(1).max(64).optional(),
    ...workSessionField,
  },
  output: { session: z.looseObject({ id: z.string() }) },
  notFound: "Check the server id with servers_list",
  confirm: (args, context) =>
    `Open a file-manager session on server ${serverLabel(context.servers, args.server)}${runAs(args)}? It can read and write files there until it closes.`,
  async run(args, { sdk }) {
    const session = await sdk({
      server: args.server,
      ...compact({ username: args.username, groupname: args.groupname }),
      ...workSessionOf(args),
    });
    return { session: withoutWebsocketUrls([session])[0] as typeof session };
  },
  summary: (result, args, context) =>
    `Opened file-manager session ${result.session.id} on server ${serverLabel(context.servers, args.server)}.`,
});

export const webftpTools = [
  webftpUploadFile,
  webftpDownloadFile,
  webftpUploadsList,
  webftpDownloadsList,
  webftpSessionsList,
  webftpCheckStatus,
  webftpUploadContent,
  webftpBulkUpload,
  webftpBulkDownload,
  webftpSessionCreate,
];
