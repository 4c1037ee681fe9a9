import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { urlToHttpOptions } from "node:url";
import {
  DeadlineError,
  fetchTransport,
  type TransportRequest,
  type TransportResponse,
} from "../core/transport.js";

// Keep-alive agents; Node's agent honours the server's `Keep-Alive: timeout` hint and unrefs
// idle sockets, so a reused socket is not one the server is closing, and none holds the process.
const agents = {
  "http:": new HttpAgent({ keepAlive: true }),
  "https:": new HttpsAgent({ keepAlive: true }),
};
const portable = fetchTransport();

/**
 * Node's `send` for JSON API calls: node:http(s) with keep-alive, the whole body read before it
 * resolves, the deadline and the caller's signal watched with one timer and one listener.
 * Node's global fetch costs several times the CPU on a small request (a WHATWG Request, Headers,
 * an AbortSignal and web streams per call; bench/README, B2), which a server fanning out over a
 * fleet pays thousands of times. Redirects are not followed.
 */
export function nodeSend(request: TransportRequest): Promise<TransportResponse> {
  const { body, deadlineMs, signal } = request;
  const target = targetOf(request.url);
  if (!target) return portable.send(request);
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const outgoing = target.send(
      {
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port,
        auth: target.auth,
        agent: target.agent,
        path: target.path,
        method: request.method,
        headers: request.headers,
      },
      (response) => readAll(response).then(done, fail),
    );
    const stop = (reason: unknown) => {
      settle();
      reject(reason);
      outgoing.destroy();
    };
    // The caller's signal is listened to here rather than passed as http.request's `signal`,
    // which also watches the request stream's end (end-of-stream listeners on every call).
    const onAbort = () => stop(signal!.reason);
    const timer = setTimeout(() => stop(new DeadlineError(deadlineMs)), deadlineMs);
    const settle = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    };
    function done(response: TransportResponse) {
      settle();
      resolve(response);
    }
    // undici's shape for network errors, so callers read the same `cause.code`.
    function fail(error: unknown) {
      settle();
      reject(new TypeError("fetch failed", { cause: error }));
    }
    signal?.addEventListener("abort", onAbort, { once: true });
    outgoing.on("error", fail);
    outgoing.end(body);
  });
}

/** Where a request goes: http.request's options for it, the agent included, and its path. */
interface Target {
  send: typeof httpRequest;
  protocol: string;
  hostname: string | undefined;
  port: number | string | undefined;
  auth: string | undefined;
  agent: HttpAgent;
  path: string;
}
type Origin = Omit<Target, "path">;

// Characters a request path may not carry as is (Node's own check), and a fragment.
const NEEDS_URL_PARSER = /[^\u0021-\u00ff]|#/;
const origins = new Map<string, Origin>();

/**
 * Splits an absolute http(s) URL into its origin, parsed once per origin, and its path and
 * query, sent as they are: the SDK calls one base URL thousands of times, and a WHATWG URL per
 * call was a measurable part of each. Anything unusual goes through the URL parser.
 */
function targetOf(input: string): Target | undefined {
  const scheme = input.startsWith("http://") ? 7 : input.startsWith("https://") ? 8 : 0;
  if (scheme === 0) return undefined;
  const slash = input.indexOf("/", scheme);
  if (slash === -1 || NEEDS_URL_PARSER.test(input)) {
    const url = new URL(input);
    return { ...originOf(input), path: `${url.pathname}${url.search}` };
  }
  const origin = input.slice(0, slash);
  let known = origins.get(origin);
  if (!known) {
    known = originOf(origin);
    // Bounded: a process talks to a handful of workspaces, but a caller could vary the origin.
    if (origins.size >= 64) origins.clear();
    origins.set(origin, known);
  }
  const { send, protocol, hostname, port, auth, agent } = known;
  return { send, protocol, hostname, port, auth, agent, path: input.slice(slash) };
}

function originOf(url: string): Origin {
  const options = urlToHttpOptions(new URL(url));
  const protocol = options.protocol ?? "http:";
  const https = protocol === "https:";
  return {
    send: https ? httpsRequest : httpRequest,
    protocol,
    hostname: options.hostname ?? undefined,
    port: options.port ?? undefined,
    auth: options.auth ?? undefined,
    agent: https ? agents["https:"] : agents["http:"],
  };
}

// Events rather than `for await`: an async iterator per response costs more than the body.
function readAll(response: IncomingMessage): Promise<TransportResponse> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on("data", (chunk: Buffer) => chunks.push(chunk));
    response.on("error", reject);
    response.on("close", () => {
      if (!response.complete) reject(new Error("the connection closed before the body ended"));
    });
    response.on("end", () => {
      const raw = response.rawHeaders;
      resolve({
        status: response.statusCode ?? 0,
        // Read from Node's raw list: a call reads one or two headers, never all of them.
        header: (name) => rawHeader(raw, name),
        body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks),
      });
    });
  });
}

/**
 * A field of Node's flat raw header list (name, value, name, value …), case-insensitively;
 * repeated fields read as one, comma-separated, as Headers.get answers them.
 */
export function rawHeader(raw: readonly string[], name: string): string | null {
  const wanted = name.toLowerCase();
  let value: string | null = null;
  for (let index = 0; index < raw.length; index += 2) {
    if (raw[index]!.toLowerCase() !== wanted) continue;
    value = value === null ? raw[index + 1]! : `${value}, ${raw[index + 1]!}`;
  }
  return value;
}
