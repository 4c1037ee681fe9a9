import { request } from "node:http";

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * A request with full control over the headers (fetch would not let a test set Host), for the
 * checks that run before any MCP handling.
 */
export function raw(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? "POST", headers: options.headers });
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      // An SSE answer stays open: the first event is all a test needs.
      res.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        if (res.headers["content-type"]?.startsWith("text/event-stream")) {
          if (Buffer.concat(chunks).toString().includes("\n\n")) res.destroy();
        }
      });
      const done = () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        });
      res.on("end", done);
      res.on("close", done);
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

export const JSON_HEADERS = {
  "Content-Type": "application/json",
  Accept: "application/json, text/event-stream",
};

export function rpc(method: string, params: Record<string, unknown> = {}, id = 1): string {
  return JSON.stringify({ jsonrpc: "2.0", id, method, params });
}

export const INITIALIZE = rpc("initialize", {
  protocolVersion: "2025-06-18",
  capabilities: {},
  clientInfo: { name: "raw", version: "0" },
});

/** The JSON-RPC message of a response, whether sent as JSON or as one SSE event. */
export function message(response: RawResponse): Record<string, unknown> {
  const data = response.body.startsWith("{")
    ? response.body
    : response.body
        .split("\n")
        .find((line) => line.startsWith("data: "))
        ?.slice(6);
  return JSON.parse(data ?? "null") as Record<string, unknown>;
}

export async function waitFor(check: () => boolean, ms = 3_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error("Timed out waiting for a condition.");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
