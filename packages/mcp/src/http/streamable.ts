import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { closeServer } from "../server/server.js";
import {
  hasInitialize,
  header,
  notAllowed,
  readJson,
  SENT,
  sendError,
  sessionNotFound,
} from "./answers.js";
import type { ModeContext } from "./mode.js";
import type { Caller } from "./oauth/index.js";
import { Sessions } from "./sessions.js";

/** Streamable HTTP with sessions: `initialize` opens one, `Mcp-Session-Id` finds it again. */
export async function handleStateful(
  ctx: ModeContext,
  request: IncomingMessage,
  response: ServerResponse,
  caller?: Caller,
): Promise<void> {
  const { sessions, maxBody, log } = ctx;
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
    if (session.caller) {
      // A session id is no credential: only the person who opened it may use it.
      if (session.caller.subject !== caller?.subject) {
        log("warning", `refused ${method} /mcp: session ${id} belongs to another user`);
        return sendError(
          response,
          403,
          "This session belongs to another user; initialize your own.",
        );
      }
      session.caller.token = caller.token;
    }
    return sessions.serve(session, request, response, body);
  }
  if (method !== "POST" || !hasInitialize(body)) {
    return sendError(response, 400, "Bad request: no Mcp-Session-Id header; initialize first.");
  }
  sessions.makeRoom();
  const holder = caller ? { subject: caller.subject, token: caller.token } : undefined;
  const server = ctx.makeServer(holder);
  const transport = new StreamableHTTPServerTransport({
    sessionIdGenerator: randomUUID,
    maxRequestBodySize: maxBody,
    onsessioninitialized: (sessionId) => {
      sessions.add(sessionId, session);
      log("info", `session ${sessionId} opened (${sessions.size} open)`);
    },
  });
  const session = Sessions.create(server, (...args) => transport.handleRequest(...args), holder);
  // Ended by the client (DELETE), by the reaper or at shutdown.
  transport.onclose = () => sessions.forget(transport.sessionId, session);
  await server.connect(transport);
  return sessions.serve(session, request, response, body);
}

/** Streamable HTTP without sessions: a fresh server per request, closed with the response. */
export async function handleStateless(
  ctx: ModeContext,
  request: IncomingMessage,
  response: ServerResponse,
  caller?: Caller,
): Promise<void> {
  // No session, so no stream for server-initiated messages and nothing to delete.
  if (request.method !== "POST") return notAllowed(response, "POST");
  const body = await readJson(request, response, ctx.maxBody);
  if (body === SENT) return;
  const server = ctx.makeServer(caller && { subject: caller.subject, token: caller.token });
  // No sessionIdGenerator: the transport runs stateless (no Mcp-Session-Id, no validation).
  const transport = new StreamableHTTPServerTransport({ maxRequestBodySize: ctx.maxBody });
  response.on("close", () => {
    void closeServer(server).catch(() => {});
  });
  await server.connect(transport);
  await transport.handleRequest(request, response, body);
}
