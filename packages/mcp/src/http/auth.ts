import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { LogLevel } from "../server/log.js";
import { sendError } from "./answers.js";

/** What a handler keeps of its bearer token: a digest, compared in constant time. */
export function bearerDigest(token: string): Buffer {
  return createHash("sha256").update(token).digest();
}

/**
 * True when the request carries the expected bearer token. Otherwise answers 401 with a
 * `WWW-Authenticate` challenge (saying whether a token was given but wrong) and returns false.
 */
export function authorize(
  request: IncomingMessage,
  response: ServerResponse,
  expected: Buffer,
  log: (level: LogLevel, message: string) => void,
): boolean {
  if (bearerMatches(request.headers.authorization, expected)) return true;
  const given = request.headers.authorization !== undefined;
  log("notice", `refused ${request.method} ${request.url}: ${given ? "wrong" : "no"} bearer token`);
  response.setHeader(
    "WWW-Authenticate",
    given ? 'Bearer realm="alpacon-mcp", error="invalid_token"' : 'Bearer realm="alpacon-mcp"',
  );
  sendError(
    response,
    401,
    given
      ? "The bearer token is not valid."
      : "This server requires Authorization: Bearer <token>.",
  );
  return false;
}

/** Constant-time: both sides are hashed to the same length first. */
function bearerMatches(authorization: string | undefined, expected: Buffer): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  return match !== null && timingSafeEqual(bearerDigest(match[1]!), expected);
}
