import type { IncomingMessage, ServerResponse } from "node:http";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";

// Request bodies and the JSON-RPC error answers every transport mode shares.

/** Returned by `readJson` when it has already answered (413, 400). */
export const SENT = Symbol("response sent");

/** Reads a JSON body up to `limit` bytes; answers 413 / 400 itself and returns SENT then. */
export function readJson(
  request: IncomingMessage,
  response: ServerResponse,
  limit: number,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers["content-length"]);
    if (Number.isFinite(declared) && declared > limit) {
      tooLarge(request, response, limit);
      resolve(SENT);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      request.off("data", onData).off("end", onEnd);
      tooLarge(request, response, limit);
      resolve(SENT);
    };
    const onEnd = () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      } catch {
        sendError(response, 400, "Parse error: the body is not valid JSON.", -32700);
        resolve(SENT);
      }
    };
    request.on("data", onData).on("end", onEnd).once("error", reject);
  });
}

/** Answers 413 at once, then drains the rest of the body for a while so the client reads it. */
function tooLarge(request: IncomingMessage, response: ServerResponse, limit: number): void {
  response.setHeader("Connection", "close");
  sendError(response, 413, `Request body larger than ${limit} bytes.`);
  request.resume();
  setTimeout(() => request.destroy(), 5_000).unref();
}

export function hasInitialize(body: unknown): boolean {
  return Array.isArray(body) ? body.some(isInitializeRequest) : isInitializeRequest(body);
}

export function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function sessionNotFound(response: ServerResponse, todo: string): void {
  sendError(response, 404, `Session not found (it ended or expired): ${todo}.`, -32001);
}

export function notAllowed(response: ServerResponse, allow: string): void {
  response.setHeader("Allow", allow);
  sendError(response, 405, `Method not allowed here; use ${allow}.`);
}

export function sendError(
  response: ServerResponse,
  status: number,
  message: string,
  code = -32000,
) {
  if (response.headersSent) {
    response.end();
    return;
  }
  response.writeHead(status, { "Content-Type": "application/json" });
  response.end(JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null }));
}
