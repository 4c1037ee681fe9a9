// Plain node:http requests, for what fetch will not send (a forged Host header) and for reading
// refusals exactly as they arrive.

import { request } from "node:http";

export interface RawResponse {
  /** 0 when the connection was reset before an answer arrived (see `error`). */
  status: number;
  error?: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function rawRequest(
  url: string,
  options: {
    method?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    timeoutMs?: number;
    /**
     * Send only the first N bytes of the body (Content-Length still says all of it) and wait
     * for the answer: how a careful client learns of a 413 before uploading everything.
     */
    sendOnly?: number;
  } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const timer = setTimeout(() => {
      outgoing.destroy();
      const what = `${options.method ?? "POST"} ${url} (headers ${JSON.stringify(options.headers ?? {})}, ${options.body?.length ?? 0} body bytes)`;
      reject(new Error(`no complete answer to ${what} within the timeout`));
    }, options.timeoutMs ?? 10_000);
    const outgoing = request(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: options.method ?? "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          ...options.headers,
        },
      },
      (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          body += chunk;
          // An SSE answer to a POST ends with its one message; no need to wait for the close.
          if (/^data: .*\n\n/m.test(body)) response.destroy();
        });
        const done = () => {
          clearTimeout(timer);
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body });
          if (options.sendOnly !== undefined) outgoing.destroy();
        };
        response.on("end", done);
        response.on("close", done);
      },
    );
    let answered = false;
    outgoing.on("response", () => {
      answered = true;
    });
    outgoing.on("error", (error: NodeJS.ErrnoException) => {
      // The server may answer 413 and close while the body is still being sent: the answer,
      // if it came, is read above; a reset before it is reported as status 0.
      if ((error.code === "EPIPE" || error.code === "ECONNRESET") && answered) return;
      clearTimeout(timer);
      if (error.code === "EPIPE" || error.code === "ECONNRESET") {
        setTimeout(() => {
          if (!answered)
            resolve({ status: 0, error: error.code ?? "reset", headers: {}, body: "" });
        }, 200);
        return;
      }
      reject(error);
    });
    if (options.sendOnly !== undefined && options.body !== undefined) {
      const bytes = Buffer.isBuffer(options.body) ? options.body : Buffer.from(options.body);
      outgoing.setHeader("content-length", String(bytes.length));
      outgoing.write(bytes.subarray(0, options.sendOnly));
    } else if (options.body !== undefined) outgoing.end(options.body);
    else outgoing.end();
  });
}

export const INITIALIZE = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: {
    protocolVersion: "2025-06-18",
    capabilities: {},
    clientInfo: { name: "e2e-raw", version: "0.0.0" },
  },
});

export const PING = JSON.stringify({ jsonrpc: "2.0", id: 2, method: "ping" });
