/**
 * WebFTP as a client drives it, for tests: REST calls go through the contract-checked `Api`;
 * the presigned URLs are plain `fetch` (no Authorization header), streaming both ways.
 */
import { type Api, eventually } from "../helpers/sandbox.js";

export interface TransferStatus {
  success: boolean;
  message: string;
}

/** Polls `…/status/` through the 422 `webftp_transfer_in_progress` answers until it is done. */
export async function waitForStatus(
  api: Api,
  kind: "uploads" | "downloads",
  id: string,
): Promise<TransferStatus> {
  return eventually(async () => {
    const res = await api.get(`/api/webftp/${kind}/${id}/status/`);
    if (res.status === 422) {
      if (!res.text.includes("webftp_transfer_in_progress")) throw new Error(res.text);
      return undefined;
    }
    if (res.status !== 200) throw new Error(`status ${res.status}: ${res.text}`);
    return res.body as TransferStatus;
  }, 30_000);
}

export interface UploadOptions {
  server: string;
  name: string;
  path: string;
  username?: string;
  allowOverwrite?: boolean;
  allowUnzip?: boolean;
}

export interface CreatedUpload {
  id: string;
  uploadUrl: string;
}

export async function createUpload(api: Api, options: UploadOptions): Promise<CreatedUpload> {
  const res = await api.post("/api/webftp/uploads/", {
    server: options.server,
    name: options.name,
    path: options.path,
    username: options.username ?? "",
    groupname: "",
    allow_overwrite: options.allowOverwrite ?? true,
    allow_unzip: options.allowUnzip ?? false,
  });
  if (res.status !== 201) throw new Error(`upload create: ${res.status} ${res.text}`);
  return { id: res.body.id, uploadUrl: res.body.upload_url };
}

/** PUTs a body with an explicit Content-Length and no Content-Type, as the CLI and SDK do. */
export function putBytes(
  url: string,
  body: Uint8Array | AsyncIterable<Uint8Array>,
  size: number,
): Promise<Response> {
  // ReadableStream.from pulls one chunk at a time; Readable.toWeb would read ahead unbounded.
  const stream = body instanceof Uint8Array ? body : ReadableStream.from(body);
  return fetch(url, {
    method: "PUT",
    body: stream,
    headers: { "content-length": String(size) },
    duplex: "half",
  } as RequestInit);
}

/** Create → PUT → trigger → status: the whole upload. */
export async function upload(
  api: Api,
  options: UploadOptions,
  body: Uint8Array | AsyncIterable<Uint8Array>,
  size: number,
): Promise<TransferStatus> {
  const created = await createUpload(api, options);
  const put = await putBytes(created.uploadUrl, body, size);
  await put.body?.cancel();
  if (put.status !== 200) throw new Error(`PUT ${put.status}`);
  const trigger = await api.get(`/api/webftp/uploads/${created.id}/upload/`);
  if (trigger.status !== 200) throw new Error(`trigger ${trigger.status}: ${trigger.text}`);
  return waitForStatus(api, "uploads", created.id);
}

export interface StartedDownload {
  id: string;
  downloadUrl: string;
  status: TransferStatus;
}

/** Create → status; the caller GETs `downloadUrl`. */
export async function startDownload(
  api: Api,
  options: { server: string; path: string; resourceType?: "file" | "folder"; username?: string },
): Promise<StartedDownload> {
  const res = await api.post("/api/webftp/downloads/", {
    server: options.server,
    path: options.path,
    username: options.username ?? "",
    groupname: "",
    resource_type: options.resourceType ?? "file",
  });
  if (res.status !== 201) throw new Error(`download create: ${res.status} ${res.text}`);
  const status = await waitForStatus(api, "downloads", res.body.id);
  return { id: res.body.id, downloadUrl: res.body.download_url, status };
}

/** A bulk download (`POST …/downloads/bulk/`), waited for like a single one. */
export async function startBulkDownload(
  api: Api,
  options: { server: string; paths: string[]; username?: string },
): Promise<StartedDownload & { path: string[]; name: string }> {
  const res = await api.post("/api/webftp/downloads/bulk/", {
    server: options.server,
    path: options.paths,
    username: options.username ?? "",
    groupname: "",
  });
  if (res.status !== 201) throw new Error(`bulk download create: ${res.status} ${res.text}`);
  const status = await waitForStatus(api, "downloads", res.body.id);
  const { id, download_url: downloadUrl, path, name } = res.body;
  return { id, downloadUrl, status, path, name };
}

/** Runs a line through the command API and waits for it to finish. */
export async function runCommand(api: Api, server: string, line: string): Promise<string> {
  const res = await api.post("/api/events/commands/", { shell: "system", line, server });
  if (res.status !== 201) throw new Error(`command: ${res.status} ${res.text}`);
  const id = res.body[0].id as string;
  // Wrapped, since an empty result ("") would read as "not yet" to `eventually`.
  const done = await eventually(async () => {
    const detail = await api.get(`/api/events/commands/${id}/`);
    if (detail.body.status !== "success" && detail.body.status !== "failed") return undefined;
    if (detail.body.status !== "success") throw new Error(`command failed: ${detail.body.result}`);
    return { result: String(detail.body.result) };
  });
  return done.result;
}
