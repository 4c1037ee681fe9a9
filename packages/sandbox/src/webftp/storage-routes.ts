/**
 * The presigned storage URLs (`upload_url`, `download_url`), answering like S3 does: no
 * Authorization header, the signature in the query (`sig`, wrong → 403), raw bytes in and out,
 * XML error bodies. Bodies stream between the socket and a storage file.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ActiveFault } from "../control/faults.js";
import type { RawContext } from "../http/app.js";
import type { Transfer, TransferKind } from "../state/transfers.js";
import type { TransferStorage } from "./storage.js";

function s3Error(res: ServerResponse, status: number, code: string, message: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  res.writeHead(status, {
    "Content-Type": "application/xml",
    "Content-Length": Buffer.byteLength(body),
  });
  res.end(body);
}

/** The transfer a presigned URL names, if its signature (for `side`) is right. */
function signedTransfer(
  res: ServerResponse,
  ctx: RawContext,
  kind: TransferKind,
  side: "client" | "agent",
): Transfer | undefined {
  const t = ctx.ws.transfers.get(ctx.params.id ?? "", kind);
  const sig = ctx.query.get("sig") ?? "";
  if (t === undefined) {
    s3Error(res, 404, "NoSuchKey", "The specified key does not exist.");
    return undefined;
  }
  if (t.expiresAt <= ctx.ws.now()) {
    s3Error(res, 403, "AccessDenied", "Request has expired");
    return undefined;
  }
  if (ctx.query.get("side") !== side || !ctx.ws.transfers.verify(t, side, sig)) {
    s3Error(
      res,
      403,
      "SignatureDoesNotMatch",
      "The request signature we calculated does not match the signature you provided.",
    );
    return undefined;
  }
  return t;
}

/** A `truncate` fault on a storage URL is the "mid-transfer abort". */
function truncateFault(ctx: RawContext): ActiveFault | null {
  return ctx.fault?.kind === "truncate" ? ctx.fault : null;
}

/** `PUT upload_url`: the client's bytes go to a storage file. */
export function putUpload(storage: TransferStorage) {
  return async (req: IncomingMessage, res: ServerResponse, ctx: RawContext): Promise<void> => {
    const t = signedTransfer(res, ctx, "upload", "client");
    if (t === undefined) {
      req.resume();
      return;
    }
    const declared = req.headers["content-length"];
    // Presigned S3 PUTs need the length up front; chunked uploads are refused.
    if (declared === undefined || !/^\d+$/.test(declared)) {
      req.resume();
      s3Error(res, 411, "MissingContentLength", "You must provide the Content-Length HTTP header.");
      return;
    }
    const fault = truncateFault(ctx);
    // Mid-transfer abort: take part of the body, then cut the connection.
    const limit = fault === null ? undefined : (fault.bytes ?? Math.floor(Number(declared) / 2));
    let stored: { path: string; size: number };
    try {
      stored = await storage.receive(req, "upload", limit);
    } catch {
      // The client went away mid-body, or the abort fault fired: nothing is stored.
      res.socket?.destroy();
      return;
    }
    const previous = t.storagePath;
    // Re-uploading before the trigger replaces the object; the old file is nobody's.
    if (previous !== null && t.state !== "done" && t.state !== "transferring") {
      await storage.remove(previous);
    }
    ctx.ws.transfers.markStored(t.id, { size: stored.size, storagePath: stored.path });
    res.writeHead(200, { "Content-Length": 0 });
    res.end();
  };
}

const READ_CHUNK_BYTES = 1024 * 1024;

/** `GET download_url`: streams the stored file (or zip) back with its Content-Length. */
export function getDownload() {
  return async (_req: IncomingMessage, res: ServerResponse, ctx: RawContext): Promise<void> => {
    const t = signedTransfer(res, ctx, "download", "client");
    if (t === undefined) return;
    // Like S3 before the agent's PUT: the object is not there yet (or the agent failed).
    if (t.state !== "done" || t.success !== true || t.storagePath === null) {
      s3Error(res, 404, "NoSuchKey", "The specified key does not exist.");
      return;
    }
    let size: number;
    try {
      size = (await stat(t.storagePath)).size;
    } catch {
      s3Error(res, 404, "NoSuchKey", "The specified key does not exist.");
      return;
    }
    res.writeHead(200, {
      "Content-Type": "application/octet-stream",
      "Content-Length": size,
      "Content-Disposition": `attachment; filename="${t.name.replace(/["\\\r\n]/g, "_")}"`,
    });
    const fault = truncateFault(ctx);
    const end = fault === null ? undefined : Math.min(size, fault.bytes ?? Math.floor(size / 2));
    if (end === 0) {
      res.socket?.destroy();
      return;
    }
    // 1 MiB reads: the default 64 KiB costs a thread-pool read and a socket write per 64 KiB,
    // CPU that a client on the same machine then competes with (bench/README, B4).
    const source = createReadStream(t.storagePath, {
      highWaterMark: READ_CHUNK_BYTES,
      ...(end === undefined ? {} : { end: end - 1 }),
    });
    source.on("error", () => res.destroy());
    res.on("close", () => source.destroy());
    source.pipe(res, { end: end === undefined });
    if (end !== undefined) {
      // Mid-transfer abort: once the first `end` bytes are out, cut the connection, so the
      // announced length never arrives.
      source.on("end", () => res.write(Buffer.alloc(0), () => res.socket?.destroy()));
    }
  };
}
