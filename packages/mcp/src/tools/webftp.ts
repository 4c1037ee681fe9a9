import { type AlpaconClient, serverLabel as refLabel } from "@alpacon/sdk";
import { downloadFile, remoteFilePath, uploadFile } from "@alpacon/sdk/node";
import * as z from "zod";
import { quoted } from "../server/confirm.js";
import { bytes, compact, withoutWebsocketUrls } from "../server/format.js";
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
    username: z.string().min(1).max(64).optional().describe("Owner (system user)."),
    groupname: z.string().min(1).max(64).optional(),
    overwrite: z.boolean().default(false).describe("Replace an existing file."),
    ...workSessionField,
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
    const roots = context.runtime.roots;
    const destination = extracting
      ? await roots.directory(args.localPath)
      : await roots.writable(args.localPath);
    return `Download ${args.resourceType === "folder" ? "the folder" : "the file"} ${quoted(args.remotePath)} from server ${serverLabel(context.servers, args.server)} to ${quoted(destination)} on this machine${extracting ? ", extracting it there" : ", replacing what is there"}?`;
  },
  async run(args, context) {
    const extracting = args.resourceType === "folder" && args.extract;
    const { roots } = context.runtime;
    const destination = extracting
      ? await roots.directory(args.localPath)
      : await roots.writable(args.localPath);
    const result = await downloadFile(clientOf(context), {
      server: args.server,
      remotePath: args.remotePath,
      localPath: destination,
      checkOpened: (real) => roots.checkWrite(real, args.localPath),
      resourceType: args.resourceType,
      extract: extracting,
      ...workSessionOf(args),
      signal: context.signal,
      onProgress: ({ bytes: done, total }) =>
        void context.progress(done, total, "bytes downloaded"),
    });
    return {
      id: result.id,
      server: args.server,
      remotePath: args.remotePath,
      localPath: result.localPath,
      bytes: result.bytes,
      files: result.files ?? null,
    };
  },
  summary: (result, _args, context) =>
    `Downloaded ${result.remotePath} from server ${serverLabel(context.servers, result.server)} to ${result.localPath} (${bytes(result.bytes)}).`,
});

const transfer = z.looseObject({
  id: z.string(),
  name: z.string(),
  path: z.string(),
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
    `${item.path || item.name} on ${refLabel(item.server)} (${bytes(item.size)}) by ${item.username}`,
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

export const webftpTools = [
  webftpUploadFile,
  webftpDownloadFile,
  webftpUploadsList,
  webftpDownloadsList,
  webftpSessionsList,
];
