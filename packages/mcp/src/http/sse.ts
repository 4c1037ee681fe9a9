import type { IncomingMessage, ServerResponse } from "node:http";
import { SSEServerTransport } from "@modelcontextprotocol/sdk/server/sse.js";
import { notAllowed, readJson, SENT, sendError, sessionNotFound } from "./answers.js";
import type { ModeContext } from "./mode.js";
import { Sessions } from "./sessions.js";

/** The legacy SSE transport: `GET /sse` opens a session's stream, `POST /messages` feeds it. */
export async function handleSse(
  ctx: ModeContext,
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
): Promise<void> {
  const { sessions, log } = ctx;
  if (path === "/sse") {
    if (request.method !== "GET") return notAllowed(response, "GET");
    sessions.makeRoom();
    const server = ctx.makeServer();
    const transport = new SSEServerTransport("/messages", response);
    const id = transport.sessionId;
    const session = Sessions.create(server, (...args) => transport.handlePostMessage(...args));
    sessions.add(id, session);
    // Comments keep proxies from cutting an idle stream; they mean nothing to the client.
    const keepAlive = setInterval(() => response.write(": keep-alive\n\n"), 15_000);
    keepAlive.unref();
    transport.onclose = () => {
      clearInterval(keepAlive);
      sessions.forget(id, session);
    };
    await server.connect(transport);
    log("info", `SSE session ${id} opened (${sessions.size} open)`);
    return;
  }
  if (path === "/messages") {
    if (request.method !== "POST") return notAllowed(response, "POST");
    const body = await readJson(request, response, ctx.maxBody);
    if (body === SENT) return;
    const id = new URL(request.url ?? "/", "http://localhost").searchParams.get("sessionId");
    const session = id ? sessions.get(id) : undefined;
    if (!session) return sessionNotFound(response, "connect to /sse again");
    return sessions.serve(session, request, response, body);
  }
  return sendError(response, 404, "Not found: the SSE transport uses GET /sse and POST /messages.");
}
