import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { isIP } from "node:net";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { SSEServerTransport } from "@modelcontextprotocol/sdk/server/sse.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import type { Logger, LogLevel } from "./log.js";
import { isLoopback } from "./loopback.js";
import { selectTools } from "./select-tools.js";
import { type AlpaconMcpServerOptions, closeServer, createAlpaconMcpServer } from "./server.js";

export { isLoopback } from "./loopback.js";

export interface HttpOptions {
  /** Options of the MCP server made for each session (or, stateless, for each request). */
  server?: AlpaconMcpServerOptions | undefined;
  /** `http` (default): Streamable HTTP at `/mcp`. `sse`: the legacy `GET /sse` + `POST /messages`. */
  transport?: "http" | "sse" | undefined;
  /**
   * Streamable HTTP without sessions: a fresh server per request, so any instance behind a load
   * balancer can answer. The websh channel tools are left out (see `ToolSelection.stateless`).
   */
  stateless?: boolean | undefined;
  /** Bearer token every request must carry (`Authorization: Bearer …`). */
  authToken?: string | undefined;
  /**
   * Host header names accepted besides the loopback ones (`localhost`, `127.0.0.1`, `[::1]`);
   * the port is ignored. `*` accepts any (only sensible with `authToken`).
   */
  allowedHosts?: readonly string[] | undefined;
  /**
   * Browser origins allowed to call (`http://localhost:6274`, `https://app.example`); none by
   * default, loopback ones included: any web page the user opens could otherwise use the tools.
   * A request with another Origin is refused (403, no CORS headers). Requests without an Origin
   * header (every non-browser client) are not affected. `*` accepts any (pair it with authToken).
   */
  allowedOrigins?: readonly string[] | undefined;
  /** Largest request body; larger ones get 413. Default 4 MiB. */
  maxBodyBytes?: number | undefined;
  /** Sessions without a request for this long are closed; 0 never. Default 30 minutes. */
  sessionIdleMs?: number | undefined;
  /**
   * Most sessions open at once. Default 100. When full, a new client takes the place of the
   * least recently used idle session (one that never made a call first), so that opening sessions
   * can never lock other clients out.
   */
  maxSessions?: number | undefined;
  /** Sessions opened and closed, refused requests. The servers' own logs go to `server.logger`. */
  logger?: Logger | undefined;
}

/** A node:http request listener serving MCP, plus what it needs to stop. */
export interface HttpHandler {
  (request: IncomingMessage, response: ServerResponse): void;
  /** Sessions open now. */
  sessionCount(): number;
  /** Closes every session (and its websh channels). */
  close(): Promise<void>;
}

const MiB = 1024 * 1024;
const LOOPBACK_HOSTS = ["localhost", "127.0.0.1", "[::1]"];

interface Session {
  server: McpServer;
  /** Hands a request to the session's transport. */
  handle(request: IncomingMessage, response: ServerResponse, body: unknown): Promise<void>;
  lastSeen: number;
  /** Requests being answered (not counting a GET stream left open for notifications). */
  active: number;
  /** It sent a request other than initialize and ping: a client at work, not just a slot. */
  used: boolean;
}

/**
 * Serves MCP over HTTP on a node:http server of your own: `createServer(createHttpHandler(…))`.
 * Checks, in order: Host and Origin (DNS rebinding), bearer token, path and method, body size.
 * Bind it to loopback, or require `authToken` (startHttpServer enforces this; here it is yours).
 */
export function createHttpHandler(options: HttpOptions = {}): HttpHandler {
  const kind = options.transport ?? "http";
  const stateless = options.stateless ?? false;
  if (stateless && kind === "sse") {
    throw new Error("The SSE transport keeps a stream per client; it cannot be stateless.");
  }
  const serverOptions = stateless ? { ...options.server, stateless } : (options.server ?? {});
  // A tool selection stateless mode cannot serve fails here, not at the first request.
  if (stateless) selectTools(serverOptions);
  const maxBody = options.maxBodyBytes ?? 4 * MiB;
  const idleMs = options.sessionIdleMs ?? 30 * 60_000;
  const maxSessions = Math.max(1, options.maxSessions ?? 100);
  const log = (level: LogLevel, message: string) => options.logger?.log(level, message);
  const hosts = new Set([...LOOPBACK_HOSTS, ...(options.allowedHosts ?? [])].map(normalizeHost));
  const origins = new Set((options.allowedOrigins ?? []).map(normalizeOrigin));
  const expectedToken = options.authToken ? digest(options.authToken) : undefined;
  const sessions = new Map<string, Session>();
  let closing = false;

  let reaper: NodeJS.Timeout | undefined;
  if (!stateless && idleMs > 0) {
    reaper = setInterval(reapIdle, Math.max(10, Math.min(idleMs / 2, 60_000)));
    reaper.unref();
  }

  function reapIdle(): void {
    const cutoff = Date.now() - idleMs;
    for (const [id, session] of sessions) {
      if (session.active > 0 || session.lastSeen > cutoff) continue;
      sessions.delete(id);
      log("info", `session ${id} closed after ${Math.round(idleMs / 1000)} s without requests`);
      void closeServer(session.server).catch(() => {});
    }
  }

  function makeServer(): McpServer {
    return createAlpaconMcpServer(serverOptions);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const origin = request.headers.origin;
    const refusal = checkHostAndOrigin(request, hosts, origins);
    if (refusal) {
      log("warning", `refused ${request.method} ${request.url}: ${refusal}`);
      return sendError(response, 403, refusal);
    }
    if (origin) allowCors(response, origin);
    if (request.method === "OPTIONS") {
      response.writeHead(204, {
        "Access-Control-Allow-Methods": "GET, POST, DELETE, OPTIONS",
        "Access-Control-Allow-Headers":
          "Authorization, Content-Type, Accept, Mcp-Session-Id, Mcp-Protocol-Version, Last-Event-ID",
        "Access-Control-Max-Age": "600",
      });
      response.end();
      return;
    }
    if (expectedToken && !bearerMatches(request.headers.authorization, expectedToken)) {
      const given = request.headers.authorization !== undefined;
      log(
        "notice",
        `refused ${request.method} ${request.url}: ${given ? "wrong" : "no"} bearer token`,
      );
      response.setHeader(
        "WWW-Authenticate",
        given ? 'Bearer realm="alpacon-mcp", error="invalid_token"' : 'Bearer realm="alpacon-mcp"',
      );
      return sendError(
        response,
        401,
        given
          ? "The bearer token is not valid."
          : "This server requires Authorization: Bearer <token>.",
      );
    }
    if (closing) return sendError(response, 503, "The server is shutting down.");
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    if (kind === "sse") return handleSse(request, response, path);
    if (path !== "/mcp") return sendError(response, 404, `Not found: MCP is served at /mcp.`);
    return stateless ? handleStateless(request, response) : handleStateful(request, response);
  }

  async function handleStateful(request: IncomingMessage, response: ServerResponse) {
    const method = request.method ?? "";
    if (!["GET", "POST", "DELETE"].includes(method)) {
      return notAllowed(response, "GET, POST, DELETE");
    }
    const body = method === "POST" ? await readJson(request, response, maxBody) : undefined;
    if (body === SENT) return;
    const id = header(request, "mcp-session-id");
    if (id) {
      const session = sessions.get(id);
      if (!session) return sessionNotFound(response, "initialize a new one");
      return serve(session, request, response, body);
    }
    if (method !== "POST" || !hasInitialize(body)) {
      return sendError(response, 400, "Bad request: no Mcp-Session-Id header; initialize first.");
    }
    makeRoom();
    const server = makeServer();
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      maxRequestBodySize: maxBody,
      onsessioninitialized: (sessionId) => {
        sessions.set(sessionId, session);
        log("info", `session ${sessionId} opened (${sessions.size} open)`);
      },
    });
    const session: Session = {
      server,
      handle: (...args) => transport.handleRequest(...args),
      lastSeen: Date.now(),
      active: 0,
      used: false,
    };
    // Ended by the client (DELETE), by the reaper or at shutdown.
    transport.onclose = () => forget(transport.sessionId, session);
    await server.connect(transport);
    return serve(session, request, response, body);
  }

  async function handleStateless(request: IncomingMessage, response: ServerResponse) {
    // No session, so no stream for server-initiated messages and nothing to delete.
    if (request.method !== "POST") return notAllowed(response, "POST");
    const body = await readJson(request, response, maxBody);
    if (body === SENT) return;
    const server = makeServer();
    // No sessionIdGenerator: the transport runs stateless (no Mcp-Session-Id, no validation).
    const transport = new StreamableHTTPServerTransport({ maxRequestBodySize: maxBody });
    response.on("close", () => {
      void closeServer(server).catch(() => {});
    });
    await server.connect(transport);
    await transport.handleRequest(request, response, body);
  }

  async function handleSse(request: IncomingMessage, response: ServerResponse, path: string) {
    if (path === "/sse") {
      if (request.method !== "GET") return notAllowed(response, "GET");
      makeRoom();
      const server = makeServer();
      const transport = new SSEServerTransport("/messages", response);
      const id = transport.sessionId;
      const session: Session = {
        server,
        handle: (...args) => transport.handlePostMessage(...args),
        lastSeen: Date.now(),
        active: 0,
        used: false,
      };
      sessions.set(id, session);
      // Comments keep proxies from cutting an idle stream; they mean nothing to the client.
      const keepAlive = setInterval(() => response.write(": keep-alive\n\n"), 15_000);
      keepAlive.unref();
      transport.onclose = () => {
        clearInterval(keepAlive);
        forget(id, session);
      };
      await server.connect(transport);
      log("info", `SSE session ${id} opened (${sessions.size} open)`);
      return;
    }
    if (path === "/messages") {
      if (request.method !== "POST") return notAllowed(response, "POST");
      const body = await readJson(request, response, maxBody);
      if (body === SENT) return;
      const id = new URL(request.url ?? "/", "http://localhost").searchParams.get("sessionId");
      const session = id ? sessions.get(id) : undefined;
      if (!session) return sessionNotFound(response, "connect to /sse again");
      return serve(session, request, response, body);
    }
    return sendError(
      response,
      404,
      "Not found: the SSE transport uses GET /sse and POST /messages.",
    );
  }

  function serve(
    session: Session,
    request: IncomingMessage,
    response: ServerResponse,
    body: unknown,
  ): Promise<void> {
    session.lastSeen = Date.now();
    if (!session.used && makesCall(body)) session.used = true;
    // A GET stream only waits for notifications: it does not keep an idle session alive.
    if (request.method !== "GET") {
      session.active += 1;
      response.once("close", () => {
        session.active -= 1;
        session.lastSeen = Date.now();
      });
    }
    return session.handle(request, response, body);
  }

  /**
   * At the cap, closes the session that matters least: idle ones before busy ones, those that
   * never made a call before those that did, the least recently used first. A flood of
   * `initialize` requests thus only ever replaces its own sessions.
   */
  function makeRoom(): void {
    while (sessions.size >= maxSessions) {
      let victim: [string, Session] | undefined;
      for (const entry of sessions) {
        if (!victim || evictsBefore(entry[1], victim[1])) victim = entry;
      }
      if (!victim) return;
      const [id, session] = victim;
      sessions.delete(id);
      const what = `${session.active > 0 ? "busy" : "idle"}${session.used ? "" : ", never used"}`;
      log("notice", `session ${id} (${what}) closed to make room for a new client`);
      void closeServer(session.server).catch(() => {});
    }
  }

  function forget(id: string | undefined, session: Session): void {
    if (id === undefined || sessions.get(id) !== session) return;
    sessions.delete(id);
    log("info", `session ${id} closed`);
  }

  const handler = ((request: IncomingMessage, response: ServerResponse) => {
    handle(request, response).catch((error: unknown) => {
      log("error", `${request.method} ${request.url} failed: ${(error as Error).message}`);
      if (!response.headersSent) {
        sendError(
          response,
          500,
          `The server could not handle the request: ${(error as Error).message}`,
        );
      } else {
        response.end();
      }
    });
  }) as HttpHandler;
  handler.sessionCount = () => sessions.size;
  handler.close = async () => {
    closing = true;
    if (reaper) clearInterval(reaper);
    const open = [...sessions.values()];
    sessions.clear();
    await Promise.all(open.map((session) => closeServer(session.server).catch(() => {})));
  };
  return handler;
}

export interface StartHttpOptions extends HttpOptions {
  /** Default `127.0.0.1`. Anything but loopback needs `authToken`. */
  host?: string | undefined;
  /** Default 8237; 0 picks a free port. */
  port?: number | undefined;
}

export interface RunningHttpServer {
  /** The MCP endpoint: `http://127.0.0.1:8237/mcp` (or `…/sse`). */
  url: string;
  host: string;
  port: number;
  sessionCount(): number;
  /** Closes the sessions, then the listener. */
  close(): Promise<void>;
}

/**
 * Listens on `host:port` (default `127.0.0.1:8237`) with `createHttpHandler`. Refuses, before
 * binding anything, a non-loopback address without `authToken`.
 */
export async function startHttpServer(options: StartHttpOptions = {}): Promise<RunningHttpServer> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? 8237;
  if (!isLoopback(host) && !options.authToken) {
    throw new Error(
      `Refusing to listen on ${host} without a bearer token: anyone who can reach it could use your Alpacon workspaces. Set --auth-token (ALPACON_MCP_AUTH_TOKEN), or listen on 127.0.0.1.`,
    );
  }
  const wildcard = host === "0.0.0.0" || host === "::" || host === "[::]";
  const allowedHosts = [...(options.allowedHosts ?? [])];
  if (!isLoopback(host) && !wildcard) allowedHosts.push(host);
  if (wildcard && allowedHosts.length === 0) {
    // Which names reach this machine is unknown; the bearer token is the protection here.
    allowedHosts.push("*");
    options.logger?.log(
      "notice",
      `listening on every interface: any Host header is accepted (set --allowed-hosts to restrict)`,
    );
  }
  const handler = createHttpHandler({ ...options, allowedHosts });
  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host.replace(/^\[|\]$/g, ""), () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  const shownHost =
    isIP(host.replace(/^\[|\]$/g, "")) === 6 ? `[${host.replace(/^\[|\]$/g, "")}]` : host;
  return {
    url: `http://${shownHost}:${actualPort}${options.transport === "sse" ? "/sse" : "/mcp"}`,
    host,
    port: actualPort,
    sessionCount: handler.sessionCount,
    async close() {
      await handler.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

// --- checks

function checkHostAndOrigin(
  request: IncomingMessage,
  hosts: ReadonlySet<string>,
  origins: ReadonlySet<string>,
): string | undefined {
  const host = request.headers.host;
  if (!host) return "Missing Host header.";
  const name = hostnameOf(host);
  if (name === undefined) return `Invalid Host header: ${host}.`;
  if (!hosts.has("*") && !hosts.has(name)) {
    return `Host ${name} is not allowed (DNS rebinding protection). Allow it with --allowed-hosts.`;
  }
  const origin = request.headers.origin;
  if (origin === undefined) return undefined;
  let parsed: URL | undefined;
  try {
    parsed = origin === "null" ? undefined : new URL(origin);
  } catch {
    parsed = undefined;
  }
  if (origins.has("*")) return undefined;
  // No origin is trusted by default, loopback ones included: a page on any local port is not the
  // user. The server's own origin (the Host just checked) is: it serves no page to come from.
  if (parsed && (origins.has(parsed.origin) || parsed.origin === `http://${host.toLowerCase()}`)) {
    return undefined;
  }
  return `Origin ${origin} is not allowed: web pages may call this server only when listed. Allow it with --allow-origin ${parsed?.origin ?? "<origin>"}.`;
}

function hostnameOf(host: string): string | undefined {
  try {
    return new URL(`http://${host}`).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

function normalizeHost(host: string): string {
  if (host === "*") return host;
  return hostnameOf(isIP(host) === 6 ? `[${host}]` : host) ?? host.toLowerCase();
}

function normalizeOrigin(origin: string): string {
  if (origin === "*") return origin;
  try {
    return new URL(origin).origin;
  } catch {
    return origin;
  }
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

/** Constant-time: both sides are hashed to the same length first. */
function bearerMatches(authorization: string | undefined, expected: Buffer): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  return match !== null && timingSafeEqual(digest(match[1]!), expected);
}

function allowCors(response: ServerResponse, origin: string): void {
  response.setHeader("Access-Control-Allow-Origin", origin);
  response.setHeader("Access-Control-Expose-Headers", "Mcp-Session-Id, WWW-Authenticate");
  response.setHeader("Vary", "Origin");
}

// --- bodies and answers

const SENT = Symbol("response sent");

/** Reads a JSON body up to `limit` bytes; answers 413 / 400 itself and returns SENT then. */
function readJson(
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

function hasInitialize(body: unknown): boolean {
  return Array.isArray(body) ? body.some(isInitializeRequest) : isInitializeRequest(body);
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function sessionNotFound(response: ServerResponse, todo: string): void {
  sendError(response, 404, `Session not found (it ended or expired): ${todo}.`, -32001);
}

/** Whether `a` is closed before `b` when room is needed (see makeRoom). */
function evictsBefore(a: Session, b: Session): boolean {
  if (a.active > 0 !== b.active > 0) return b.active > 0;
  if (a.used !== b.used) return !a.used;
  return a.lastSeen < b.lastSeen;
}

/** A JSON-RPC request other than initialize and ping (alone or in a batch). */
function makesCall(body: unknown): boolean {
  const messages = Array.isArray(body) ? body : [body];
  return messages.some((item) => {
    const method = (item as { method?: unknown } | null)?.method;
    return (
      typeof method === "string" &&
      (item as { id?: unknown }).id !== undefined &&
      method !== "initialize" &&
      method !== "ping"
    );
  });
}

function notAllowed(response: ServerResponse, allow: string): void {
  response.setHeader("Allow", allow);
  sendError(response, 405, `Method not allowed here; use ${allow}.`);
}

function sendError(response: ServerResponse, status: number, message: string, code = -32000) {
  if (response.headersSent) {
    response.end();
    return;
  }
  response.writeHead(status, { "Content-Type": "application/json" });
  response.end(JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null }));
}
