import type { ServerResponse } from "node:http";

/**
 * Writes a JSON response. Kept allocation-light because it is on the hot path of every request:
 * one stringify, one Buffer, no middleware.
 */
export function writeJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers?: Record<string, string>,
  headOnly = false,
): void {
  const payload = body === undefined ? "" : JSON.stringify(body);
  const buf = Buffer.from(payload);
  res.statusCode = status;
  if (payload !== "") res.setHeader("Content-Type", "application/json");
  res.setHeader("Content-Length", buf.length);
  if (headers) for (const key in headers) res.setHeader(key, headers[key] as string);
  res.end(headOnly ? undefined : buf);
}
