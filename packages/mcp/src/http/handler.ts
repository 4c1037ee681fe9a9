import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger, LogLevel } from "../server/log.js";
import { type AlpaconMcpServerOptions, createAlpaconMcpServer } from "../server/server.js";
import { selectTools } from "../tools/select-tools.js";
import { sendError } from "./answers.js";
import { authorize, bearerDigest } from "./auth.js";
import { allowCors, answerPreflight } from "./cors.js";
import { allowedHostSet, allowedOriginSet, checkHostAndOrigin } from "./host-check.js";
import type { ModeContext } from "./mode.js";
import { createOAuth } from "./oauth/index.js";
import { callerServer, type OAuthHttpOptions, StepUps } from "./oauth-mode.js";
import { Sessions } from "./sessions.js";
import { handleSse } from "./sse.js";
import { handleStateful, handleStateless } from "./streamable.js";

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
   * `--auth oauth`: each person signs in at the workspace's identity provider through this
   * server (it is an OAuth protected resource and authorization server front, see oauth/), and
   * every API call runs with their own Alpacon token. Exclusive with `authToken`.
   */
  oauth?: OAuthHttpOptions | undefined;
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
const ANY_ORIGIN: ReadonlySet<string> = new Set(["*"]);

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
  const log = (level: LogLevel, message: string) => options.logger?.log(level, message);
  const hosts = allowedHostSet(options.allowedHosts);
  const origins = allowedOriginSet(options.allowedOrigins);
  if (options.oauth && options.authToken) {
    throw new Error("Choose one way to authenticate callers: a shared bearer token or OAuth.");
  }
  if (options.oauth && kind === "sse") {
    throw new Error(
      "OAuth sign-in is offered on the Streamable HTTP transport (--transport http).",
    );
  }
  const expectedToken = options.authToken ? bearerDigest(options.authToken) : undefined;
  const oauthOptions = options.oauth;
  const oauth = oauthOptions ? createOAuth(oauthOptions, log) : undefined;
  const stepUps = oauth ? new StepUps(oauth) : undefined;
  const idleMs = options.sessionIdleMs ?? 30 * 60_000;
  const ctx: ModeContext = {
    sessions: new Sessions({
      idleMs: stateless ? 0 : idleMs,
      maxSessions: Math.max(1, options.maxSessions ?? 100),
      log,
    }),
    makeServer: (caller) =>
      caller && oauthOptions
        ? callerServer(serverOptions, oauthOptions, caller)
        : createAlpaconMcpServer(serverOptions),
    maxBody: options.maxBodyBytes ?? 4 * MiB,
    log,
  };
  let closing = false;

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const origin = request.headers.origin;
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    // The OAuth endpoints serve browser-based clients of any origin (no cookie gives them power).
    const oauthPath = oauth?.paths.has(path) ?? false;
    const refusal = checkHostAndOrigin(request, hosts, oauthPath ? ANY_ORIGIN : origins);
    if (refusal) {
      log("warning", `refused ${request.method} ${request.url}: ${refusal}`);
      return sendError(response, 403, refusal);
    }
    if (oauthPath) return void (await oauth!.route(request, response, path));
    if (origin) allowCors(response, origin);
    if (request.method === "OPTIONS") return answerPreflight(response);
    if (expectedToken && !authorize(request, response, expectedToken, log)) return;
    if (closing) return sendError(response, 503, "The server is shutting down.");
    if (kind === "sse") return handleSse(ctx, request, response, path);
    if (path !== "/mcp") return sendError(response, 404, `Not found: MCP is served at /mcp.`);
    if (oauth) {
      const caller = await oauth.authenticate(request, response);
      if (!caller) return;
      return stepUps!.serve(caller, request, response, () =>
        stateless
          ? handleStateless(ctx, request, response, caller)
          : handleStateful(ctx, request, response, caller),
      );
    }
    return stateless
      ? handleStateless(ctx, request, response)
      : handleStateful(ctx, request, response);
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
  handler.sessionCount = () => ctx.sessions.size;
  handler.close = async () => {
    closing = true;
    await ctx.sessions.closeAll();
  };
  return handler;
}
