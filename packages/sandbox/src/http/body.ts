import { createHash } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { ApiError } from "./errors.js";

/** DRF's DATA_UPLOAD_MAX_MEMORY_SIZE is 2.5 MB; JSON API bodies are far smaller. */
export const MAX_JSON_BODY = 2_621_440;

/** Package files are uploaded whole in one multipart request; the sandbox keeps none of them. */
export const MAX_UPLOAD_BODY = 64 * 1024 * 1024;

/** A file part of a `multipart/form-data` body; only its name and size are kept. */
export interface UploadedFile {
  kind: "file";
  filename: string;
  size: number;
}

export function isMultipart(contentType: string | undefined): boolean {
  return (contentType ?? "").toLowerCase().startsWith("multipart/form-data");
}

/**
 * Parses `multipart/form-data` as DRF's MultiPartParser would (with the platform's own parser):
 * text fields become strings, files `UploadedFile`s; a malformed body is DRF's 400.
 */
export async function parseMultipartBody(
  raw: Buffer,
  contentType: string,
): Promise<Record<string, string | UploadedFile>> {
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(raw), {
      headers: { "content-type": contentType },
    }).formData();
  } catch (err) {
    throw new ApiError(400, { detail: `Multipart form parse error - ${(err as Error).message}` });
  }
  const out: Record<string, string | UploadedFile> = {};
  for (const [name, value] of form) {
    out[name] =
      typeof value === "string" ? value : { kind: "file", filename: value.name, size: value.size };
  }
  return out;
}

export function readBody(req: IncomingMessage, limit = MAX_JSON_BODY): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on("data", (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(new ApiError(413, { detail: "Request body is too large." }));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (!failed) resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
    });
    req.on("error", (err) => {
      if (!failed) reject(err);
    });
  });
}

/**
 * Parses a request body as DRF's JSONParser would: an empty body is `{}`, anything but JSON is
 * 415, malformed JSON is 400 with DRF's "JSON parse error" detail.
 */
export function parseJsonBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return {};
  const type = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (type !== "application/json" && !type.endsWith("+json")) {
    throw new ApiError(415, {
      detail: `Unsupported media type "${type}" in request.`,
    });
  }
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch (err) {
    throw new ApiError(400, { detail: `JSON parse error - ${(err as Error).message}` });
  }
}

/**
 * Reads a body of any size only to hash it, for the journal of a request that a fault answers:
 * a storage PUT of gigabytes must meet its fault, not the JSON size limit.
 */
export function digestBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      hash.update(chunk);
    });
    // An empty body has no digest, as in the normal path of the journal.
    req.on("end", () => resolve(size === 0 ? null : hash.digest("hex")));
    req.on("error", reject);
  });
}
