import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import FindMyWay from "find-my-way";
import { requiredScope, scopesAllow } from "../auth/scopes.js";
import { type Credential, parseAuthorization } from "../auth/tokens.js";
import { type ActiveFault, errorFaultResponse } from "../control/faults.js";
import type { JournalOutcome } from "../control/journal.js";
import { isIdpPath } from "../idp/idp-http.js";
import type { SandboxCore } from "../server/core.js";
import type { IamUser, ServerRecord } from "../state/model.js";
import type { WorkspaceState } from "../state/workspace.js";
import {
  digestBody,
  isMultipart,
  MAX_JSON_BODY,
  MAX_UPLOAD_BODY,
  parseJsonBody,
  parseMultipartBody,
  readBody,
} from "./body.js";
import { ApiError } from "./errors.js";
import { writeJson } from "./respond.js";

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
const METHODS: readonly Method[] = ["GET", "POST", "PUT", "PATCH", "DELETE"];
const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/** Who is calling: a user (API token or JWT) or an agent (`id=…, key=…`). */
export interface Principal {
  credential: Credential;
  /** The IAM user behind a token or JWT; for an agent, the workspace owner (never shown). */
  user: IamUser;
  /** The agent's own server, for agent credentials. */
  agentServer: ServerRecord | null;
}

export interface RequestContext {
  core: SandboxCore;
  ws: WorkspaceState;
  principal: Principal;
  method: Method;
  /** Path relative to the workspace base. */
  path: string;
  params: Record<string, string | undefined>;
  query: URLSearchParams;
  body: unknown;
  req: IncomingMessage;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (ctx: RequestContext) => Reply | Promise<Reply>;

export interface RouteDef {
  GET?: Handler;
  POST?: Handler;
  PUT?: Handler;
  PATCH?: Handler;
  DELETE?: Handler;
  /** `only`: agent credentials required (users get 403); default: users only (agents get 403). */
  agent?: "only";
  /** Also accepts `multipart/form-data` (file uploads): files arrive as `UploadedFile`s. */
  multipart?: true;
}

/** Context of a raw route (presigned storage URLs): no Authorization, no JSON parsing. */
export interface RawContext {
  core: SandboxCore;
  ws: WorkspaceState;
  path: string;
  params: Record<string, string | undefined>;
  query: URLSearchParams;
  /** A `truncate` fault for this request (storage URLs cut transfers short); else absent. */
  fault?: ActiveFault | null;
}

export type RawHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RawContext,
) => void | Promise<void>;

/** An `upgrade` handler (WebSocket); returns true when it took the socket. */
export type UpgradeHandler = (
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  ctx: RawContext,
) => boolean;

interface Stored {
  def: RouteDef;
  allow: string;
}

const DETAIL_NOT_FOUND = { detail: "Not found." };

/**
 * The request pipeline: workspace prefix → faults → route → authentication → method (405) →
 * token ACL → body → handler, with every request written to the journal. Plain `node:http`
 * plus find-my-way keeps the hot path to a radix lookup, a Map lookup and one JSON.stringify.
 */
export class App {
  // Routes are keyed on the path only; methods are dispatched here so that a wrong method is a
  // DRF-style 405 after authentication, not a router 404.
  private readonly api = FindMyWay({
    ignoreTrailingSlash: false,
    caseSensitive: true,
    maxParamLength: 256,
  });
  private readonly raw = FindMyWay({
    ignoreTrailingSlash: false,
    caseSensitive: true,
    maxParamLength: 256,
  });
  private readonly upgradeHandlers: UpgradeHandler[] = [];
  private readonly stalled = new Set<ServerResponse>();
  /** Handles `/_sandbox/…` (the control API); set by the sandbox. */
  controlHandler:
    | ((req: IncomingMessage, res: ServerResponse, path: string, query: string) => void)
    | null = null;

  /** Handles `/idp/…` and `/.well-known/…` (the identity providers); set by the idp plugin. */
  idpHandler:
    | ((req: IncomingMessage, res: ServerResponse, path: string, query: string) => void)
    | null = null;

  constructor(private readonly core: SandboxCore) {}

  route(path: string, def: RouteDef): void {
    const allow = METHODS.filter((m) => def[m] !== undefined);
    if (def.GET) allow.push("HEAD" as Method);
    const stored: Stored = { def, allow: [...allow, "OPTIONS"].join(", ") };
    this.api.on("GET", path, () => {}, stored);
  }

  /** Registers a raw route under every workspace prefix (e.g. `/storage/uploads/:id`). */
  rawRoute(method: Method | Method[], path: string, handler: RawHandler): void {
    this.raw.on(method, path, () => {}, handler);
  }

  /** Registers a WebSocket upgrade handler; handlers are tried in order. */
  onUpgrade(handler: UpgradeHandler): void {
    this.upgradeHandlers.push(handler);
  }

  /** Ends every stalled response (used by close()). */
  releaseStalled(): void {
    for (const res of this.stalled) res.socket?.destroy();
    this.stalled.clear();
  }

  handle = (req: IncomingMessage, res: ServerResponse): void => {
    const started = performance.now();
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const fullPath = q === -1 ? url : url.slice(0, q);
    const rawQuery = q === -1 ? "" : url.slice(q + 1);
    if (fullPath.startsWith("/_sandbox/")) {
      if (this.controlHandler) this.controlHandler(req, res, fullPath, rawQuery);
      else writeJson(res, 404, DETAIL_NOT_FOUND);
      return;
    }
    if (this.idpHandler && isIdpPath(fullPath)) {
      this.idpHandler(req, res, fullPath, rawQuery);
      return;
    }
    const seq = this.core.journal.nextSeq();
    const arrived = this.core.now();
    const method = (req.method ?? "GET").toUpperCase();
    const { ws, path } = this.splitWorkspace(fullPath);
    const log = (
      status: number,
      outcome: JournalOutcome,
      digest: string | null,
      delayedMs: number,
      credential: string | null,
    ) => {
      this.core.journal.record({
        seq,
        time: new Date(arrived).toISOString(),
        method,
        workspace: ws?.key ?? null,
        path: ws ? path : fullPath,
        query: rawQuery,
        bodyDigest: digest,
        status,
        outcome,
        durationMs: Math.round((performance.now() - started) * 1000) / 1000,
        delayedMs,
        credential,
      });
    };
    if (!ws) {
      writeJson(res, 404, DETAIL_NOT_FOUND, undefined, method === "HEAD");
      log(404, "ok", null, 0, null);
      return;
    }
    const decision = this.core.faults.empty ? null : this.core.faults.decide(ws.key, method, path);
    const run = () =>
      this.dispatch(
        req,
        res,
        ws,
        method,
        path,
        rawQuery,
        decision?.action ?? null,
        decision?.delayMs ?? 0,
        log,
      );
    if (decision && decision.delayMs > 0) {
      void this.core.timers.sleep(decision.delayMs).then(run);
    } else {
      run();
    }
  };

  private splitWorkspace(fullPath: string): { ws: WorkspaceState | undefined; path: string } {
    const second = fullPath.indexOf("/", 1);
    if (second === -1) return { ws: undefined, path: fullPath };
    const third = fullPath.indexOf("/", second + 1);
    if (third === -1) return { ws: undefined, path: fullPath };
    const ws = this.core.workspaces.get(fullPath.slice(1, third));
    return { ws, path: fullPath.slice(third) };
  }

  private async dispatch(
    req: IncomingMessage,
    res: ServerResponse,
    ws: WorkspaceState,
    method: string,
    path: string,
    rawQuery: string,
    fault: ActiveFault | null,
    delayedMs: number,
    log: (
      status: number,
      outcome: JournalOutcome,
      digest: string | null,
      delayedMs: number,
      credential: string | null,
    ) => void,
  ): Promise<void> {
    const headOnly = method === "HEAD";
    let digest: string | null = null;
    let credential: string | null = null;
    let principal: Principal | null = null;
    try {
      if (fault) {
        // Faults model the network and the proxy in front of the API: they happen before the
        // application sees the request, except `truncate`, which cuts a real answer short.
        if (fault.kind !== "truncate") {
          if (this.hasBody(req)) digest = await digestBody(req);
          this.applyFault(res, fault, headOnly);
          log(
            fault.kind === "error" ? (fault.status ?? 503) : 0,
            `fault:${fault.kind}`,
            digest,
            delayedMs,
            null,
          );
          return;
        }
      }

      const rawMatch = this.raw.find(method as Method, path);
      if (rawMatch) {
        const handler = rawMatch.store as RawHandler;
        res.once("close", () =>
          log(res.headersSent ? res.statusCode : 0, "ok", null, delayedMs, null),
        );
        await handler(req, res, {
          core: this.core,
          ws,
          path,
          params: rawMatch.params,
          query: new URLSearchParams(rawQuery),
          fault,
        });
        return;
      }

      const match = this.api.find("GET", path);
      if (!match) throw new ApiError(404, DETAIL_NOT_FOUND);
      const stored = match.store as Stored;

      principal = this.authenticate(ws, req.headers.authorization);
      credential = principal.credential.label;
      if (stored.def.agent === "only") {
        if (principal.credential.scheme !== "agent") throw permissionDenied();
      } else if (principal.credential.scheme === "agent") {
        throw permissionDenied();
      }

      const routeMethod = (headOnly ? "GET" : method) as Method;
      if (method === "OPTIONS") {
        // DRF's metadata answer, reduced to what clients look at.
        const metadata = {
          name: path,
          renders: ["application/json"],
          parses: ["application/json"],
        };
        writeJson(res, 200, metadata, { Allow: stored.allow });
        log(200, "ok", digest, delayedMs, credential);
        return;
      }
      const handler = stored.def[routeMethod];
      if (!handler) {
        throw new ApiError(
          405,
          { detail: `Method "${method}" not allowed.` },
          { Allow: stored.allow },
        );
      }
      const acl = principal.credential.acl;
      if (acl.kind === "read-only" && !SAFE.has(method)) {
        throw new ApiError(403, { code: "api_token_acl_not_allowed" });
      }
      if (acl.kind === "scoped") {
        const needed = requiredScope(routeMethod, path);
        const scopes = ws.apiTokens.byId.get(acl.tokenId)?.scopes ?? [];
        if (!scopesAllow(scopes, needed)) {
          const what = needed ?? "*";
          throw new ApiError(403, {
            code: "api_token_acl_not_allowed",
            source: "scope",
            detail: `This token's scopes do not include ${what}.`,
          });
        }
      }

      let body: unknown = {};
      if (this.hasBody(req)) {
        const raw = await readBody(req, stored.def.multipart ? MAX_UPLOAD_BODY : MAX_JSON_BODY);
        digest = sha256(raw);
        body =
          stored.def.multipart && isMultipart(req.headers["content-type"])
            ? await parseMultipartBody(raw, req.headers["content-type"] as string)
            : parseJsonBody(raw, req.headers["content-type"]);
      }

      const reply = await handler({
        core: this.core,
        ws,
        principal,
        method: routeMethod,
        path,
        params: match.params,
        query: new URLSearchParams(rawQuery),
        body,
        req,
      });
      if (fault?.kind === "truncate") {
        this.truncate(res, reply, fault);
        log(reply.status, "fault:truncate", digest, delayedMs, credential);
        return;
      }
      writeJson(res, reply.status, reply.body, reply.headers, headOnly);
      log(reply.status, "ok", digest, delayedMs, credential);
      recordActivity(ws, principal, method, path, reply.status, req);
    } catch (err) {
      if (res.headersSent) {
        res.destroy();
        log(res.statusCode, "error", digest, delayedMs, credential);
        return;
      }
      if (err instanceof ApiError) {
        writeJson(res, err.status, err.body, err.headers, headOnly);
        log(err.status, "ok", digest, delayedMs, credential);
        recordActivity(ws, principal, method, path, err.status, req);
      } else {
        writeJson(res, 500, { detail: "A server error occurred." }, undefined, headOnly);
        log(500, "error", digest, delayedMs, credential);
        if (process.env.ALPACON_SANDBOX_DEBUG) console.error(err);
      }
    }
  }

  private hasBody(req: IncomingMessage): boolean {
    const length = req.headers["content-length"];
    return (
      (length !== undefined && length !== "0") || req.headers["transfer-encoding"] !== undefined
    );
  }

  private authenticate(ws: WorkspaceState, header: string | undefined): Principal {
    const parsed = parseAuthorization(header);
    const unauthorized = (detail: string) =>
      new ApiError(401, { detail }, { "WWW-Authenticate": 'Token realm="api"' });
    switch (parsed.kind) {
      case "missing":
        throw unauthorized("Authentication credentials were not provided.");
      case "malformed":
        throw unauthorized("Invalid token.");
      case "api-token":
      case "jwt": {
        const credential =
          ws.tokens.find(parsed.kind, parsed.kind === "jwt" ? parsed.token : parsed.key) ??
          (parsed.kind === "jwt" ? ws.idp?.authenticate(parsed.token) : undefined);
        if (!credential) throw unauthorized("Invalid token.");
        // A token made through the API stops working the moment it is disabled or expires.
        if (
          credential.acl.kind === "scoped" &&
          !ws.apiTokens.usable(credential.acl.tokenId, ws.now())
        )
          throw unauthorized("Invalid token.");
        const user = ws.userById.get(credential.userId);
        if (!user?.is_active) throw unauthorized("User inactive or deleted.");
        return { credential, user, agentServer: null };
      }
      case "agent": {
        const server = ws.serverById.get(parsed.id);
        if (!server || ws.tokens.agentKey(server.index) !== parsed.key)
          throw unauthorized("Invalid token.");
        return {
          credential: {
            scheme: "agent",
            label: "agent",
            key: parsed.key,
            userId: "",
            acl: { kind: "full" },
            serverId: server.id,
          },
          user: ws.owner(),
          agentServer: server,
        };
      }
    }
  }

  private applyFault(res: ServerResponse, fault: ActiveFault, headOnly: boolean): void {
    switch (fault.kind) {
      case "reset":
        res.setHeader("X-Sandbox-Fault", "reset");
        res.socket?.destroy();
        return;
      case "stall":
        // Never answer; the client gives up (timeout) or close() ends the socket.
        this.stalled.add(res);
        res.once("close", () => this.stalled.delete(res));
        return;
      default: {
        const { status, body, contentType, headers } = errorFaultResponse(fault);
        const buf = Buffer.from(body);
        res.writeHead(status, {
          "Content-Type": contentType,
          "Content-Length": buf.length,
          "X-Sandbox-Fault": "error",
          ...headers,
        });
        res.end(headOnly ? undefined : buf);
      }
    }
  }

  /** Announces the full length, sends part of the body, then cuts the connection. */
  private truncate(res: ServerResponse, reply: Reply, fault: ActiveFault): void {
    const buf = Buffer.from(reply.body === undefined ? "" : JSON.stringify(reply.body));
    const sent = Math.max(0, Math.min(buf.length - 1, fault.bytes ?? Math.floor(buf.length / 2)));
    res.writeHead(reply.status, {
      ...(reply.headers ?? {}),
      "Content-Type": "application/json",
      "Content-Length": Math.max(buf.length, 1),
      "X-Sandbox-Fault": "truncate",
    });
    res.write(buf.subarray(0, sent), () => {
      res.socket?.destroy();
    });
  }

  handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const fullPath = q === -1 ? url : url.slice(0, q);
    const { ws, path } = this.splitWorkspace(fullPath);
    if (ws) {
      const ctx: RawContext = {
        core: this.core,
        ws,
        path,
        params: {},
        query: new URLSearchParams(q === -1 ? "" : url.slice(q + 1)),
      };
      for (const handler of this.upgradeHandlers) {
        if (handler(req, socket, head, ctx)) return;
      }
    }
    socket.end("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  };
}

/**
 * The activity log: every write a person (a token or a login, not an agent) asked for, refused
 * ones included, as the audit app records requests. Reads are not recorded.
 */
function recordActivity(
  ws: WorkspaceState,
  principal: Principal | null,
  method: string,
  path: string,
  status: number,
  req: IncomingMessage,
): void {
  if (principal === null || SAFE.has(method) || principal.credential.scheme === "agent") return;
  ws.audit.recordActivity({
    userId: principal.user.id,
    username: principal.user.username,
    method,
    path,
    status,
    ip: req.socket.remoteAddress ?? "",
  });
}

function permissionDenied(): ApiError {
  return new ApiError(403, { detail: "You do not have permission to perform this action." });
}

function sha256(buf: Buffer): string | null {
  return buf.length === 0 ? null : createHash("sha256").update(buf).digest("hex");
}
