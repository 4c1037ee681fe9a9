import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { BufferedResponse } from "../core/buffered-response.js";

// Keep-alive agents; Node's agent honours the server's `Keep-Alive: timeout` hint and unrefs
// idle sockets, so a reused socket is not one the server is closing, and none holds the process.
const agents = {
  "http:": new HttpAgent({ keepAlive: true }),
  "https:": new HttpsAgent({ keepAlive: true }),
};

/**
 * A `fetch` for the SDK's JSON API calls on Node (the `apiFetch` client option): node:http(s)
 * with keep-alive, the whole body read before it resolves, as the transport reads it anyway.
 * Node's global fetch spends about three times the CPU on a small request (a WHATWG Request,
 * Headers, an AbortSignal and web streams per call), which a server fanning out over a fleet pays
 * thousands of times. String and byte bodies only; any other (FormData) goes to global fetch.
 * Redirects are not followed (the API answers its paths directly).
 */
export const nodeApiFetch: typeof globalThis.fetch = (input, init = {}) => {
  const body = init.body ?? null;
  const url = typeof input === "string" ? new URL(input) : input instanceof URL ? input : null;
  const protocol = url?.protocol;
  if (!url || (protocol !== "http:" && protocol !== "https:") || !isPlainBody(body)) {
    return globalThis.fetch(input, init);
  }
  return new Promise((resolve, reject) => {
    // undici's shape for network errors, so callers read the same `cause.code`.
    const fail = (error: unknown) => reject(new TypeError("fetch failed", { cause: error }));
    const send = protocol === "https:" ? httpsRequest : httpRequest;
    const request = send(
      url,
      {
        method: init.method ?? "GET",
        headers: Object.fromEntries(
          init.headers instanceof Headers ? init.headers : new Headers(init.headers),
        ),
        agent: agents[protocol],
        ...(init.signal ? { signal: init.signal } : {}),
      },
      (response) => readAll(response).then(resolve, fail),
    );
    request.on("error", fail);
    request.end(body ?? undefined);
  });
};

function isPlainBody(body: unknown): body is string | Uint8Array | null {
  return body === null || typeof body === "string" || body instanceof Uint8Array;
}

// Events rather than `for await`: an async iterator per response costs more than the body.
function readAll(response: IncomingMessage): Promise<Response> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on("data", (chunk: Buffer) => chunks.push(chunk));
    response.on("error", reject);
    response.on("close", () => {
      if (!response.complete) reject(new Error("the connection closed before the body ended"));
    });
    response.on("end", () => {
      // Name/value pairs: the Response builds its Headers from them once.
      const headers: Array<[string, string]> = [];
      const raw = response.rawHeaders;
      for (let index = 0; index < raw.length; index += 2)
        headers.push([raw[index]!, raw[index + 1]!]);
      const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      resolve(
        new BufferedResponse(bytes, {
          status: response.statusCode ?? 0,
          statusText: response.statusMessage ?? "",
          headers,
        }),
      );
    });
  });
}
