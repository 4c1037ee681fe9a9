/**
 * The websh user-channel WebSocket, served at the `websocket_url` the REST API hands out:
 * `ws://127.0.0.1:PORT/{region}/{workspace}/ws/websh/{session}/{channel}/{token}/`. It plays
 * both the proxy (token check, channel fan-out, close code 4000) and the agent's PTY.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import type { RawContext } from "../http/app.js";
import type { SandboxCore } from "../server/core.js";
import { Shell } from "../shell/index.js";
import type { WebshChannel, WebshSession } from "../state/websh-sessions.js";
import type { WorkspaceState } from "../state/workspace.js";
import { Pty } from "./pty.js";
import { SessionHub } from "./session-hub.js";

const WEBSH_PATH = /^\/ws\/websh\/([^/]+)\/([^/]+)\/([^/]+)\/?$/;
/** Keystrokes are tiny; a frame larger than this is not a terminal talking. */
const MAX_INPUT_FRAME = 1024 * 1024;

const REASONS: Record<number, string> = {
  401: "Unauthorized",
  404: "Not Found",
  500: "Internal Server Error",
};

export interface WebshServer {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, ctx: RawContext): boolean;
  close(): void;
}

export function createWebshServer(core: SandboxCore): WebshServer {
  // No compression: terminal frames are small, and the real proxy is not known to offer it.
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: MAX_INPUT_FRAME,
  });
  const hubs = new Map<string, SessionHub>();
  const keyOf = (ws: WorkspaceState, sessionId: string) => `${ws.key} ${sessionId}`;
  let closed = false;

  // REST close/force-close and `exit` all end up in WebshStore.close(): end the live side there.
  const unsubscribe = [...core.workspaces.values()].flatMap((ws) => [
    ws.websh.onClose((session) => {
      const key = keyOf(ws, session.id);
      const hub = hubs.get(key);
      if (hub === undefined) return;
      hubs.delete(key);
      hub.end();
    }),
    // REST `PATCH rows/cols` → the agent's `resizepty`.
    ws.websh.onResize((session) => hubs.get(keyOf(ws, session.id))?.pty.syncSize()),
  ]);

  function hubFor(ws: WorkspaceState, session: WebshSession): SessionHub {
    const key = keyOf(ws, session.id);
    const existing = hubs.get(key);
    if (existing !== undefined) return existing;
    const server = ws.serverById.get(session.serverId);
    if (server === undefined) throw new Error(`websh session ${session.id} has no server`);
    const shell = new Shell({
      server: ws.shells.machine(server),
      user: session.username,
      tty: true,
      rows: session.rows,
      cols: session.cols,
    });
    // The PTY only prints in answer to input, which needs a connected channel, so `hub` is
    // always set by then. Each channel gets the prompt when it attaches (SessionHub.attach).
    let hub: SessionHub | undefined;
    const pty = new Pty({
      shell,
      size: () => ({ rows: session.rows, cols: session.cols }),
      onOutput: (text) => {
        hub?.broadcast(text);
        ws.websh.recordOutput(session, text);
      },
      onExit: () => ws.websh.close(session, "close"),
    });
    hub = new SessionHub(pty);
    hubs.set(key, hub);
    return hub;
  }

  function journal(ctx: RawContext, status: number, started: number): void {
    const seq = core.journal.nextSeq();
    core.journal.record({
      seq,
      time: new Date(core.now()).toISOString(),
      method: "GET",
      workspace: ctx.ws.key,
      // The channel token is a credential: keep it out of the journal.
      path: ctx.path.replace(WEBSH_PATH, "/ws/websh/$1/$2/<token>/"),
      query: ctx.query.toString(),
      bodyDigest: null,
      status,
      outcome: "ok",
      durationMs: Math.round((performance.now() - started) * 1000) / 1000,
      delayedMs: 0,
      credential: null,
    });
  }

  function refuse(socket: Duplex, status: number, detail: string): void {
    const body = JSON.stringify({ detail });
    socket.end(
      `HTTP/1.1 ${status} ${REASONS[status] ?? "Error"}\r\n` +
        "Content-Type: application/json\r\n" +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        `Connection: close\r\n\r\n${body}`,
      () => socket.destroy(),
    );
  }

  /** 404 when the session or channel does not exist (or is over), 401 for a bad token. */
  function authorize(
    ws: WorkspaceState,
    sessionId: string,
    channelId: string,
    token: string,
  ): { session: WebshSession; channel: WebshChannel } | { status: number; detail: string } {
    const session = ws.websh.sessions.get(sessionId);
    const known = ws.websh.channel(channelId);
    if (session === undefined || known === undefined || known.sessionId !== sessionId) {
      return { status: 404, detail: "Not found." };
    }
    if (session.closedAt !== null) return { status: 404, detail: "The session is closed." };
    if (known.expiresAt !== null && known.expiresAt <= ws.now()) {
      return { status: 401, detail: "The channel has expired." };
    }
    const channel = ws.websh.consumeToken(sessionId, channelId, token);
    if (channel === null) return { status: 401, detail: "Invalid or used channel token." };
    return { session, channel };
  }

  return {
    handleUpgrade(req, socket, head, ctx) {
      const match = WEBSH_PATH.exec(ctx.path);
      if (match === null) return false;
      const started = performance.now();
      if (closed) {
        refuse(socket, 404, "Not found.");
        return true;
      }
      const [, sessionId = "", channelId = "", token = ""] = match;
      const result = authorize(ctx.ws, sessionId.toLowerCase(), channelId.toLowerCase(), token);
      if ("status" in result) {
        refuse(socket, result.status, result.detail);
        journal(ctx, result.status, started);
        return true;
      }
      const { session, channel } = result;
      let hub: SessionHub;
      try {
        hub = hubFor(ctx.ws, session);
      } catch {
        refuse(socket, 500, "The terminal could not be opened.");
        journal(ctx, 500, started);
        return true;
      }
      const dropAfterFrames = core.faults.empty
        ? null
        : core.faults.wsDropAfterFrames(ctx.ws.key, ctx.path);
      wss.handleUpgrade(req, socket, head, (client) => {
        journal(ctx, 101, started);
        const forwarded = req.headers["x-forwarded-for"];
        const remoteIp =
          (typeof forwarded === "string" ? forwarded.split(",")[0]?.trim() : undefined) ??
          req.socket.remoteAddress ??
          "";
        ctx.ws.websh.recordConnection(session, req.headers["user-agent"] ?? "", remoteIp);
        hub.attach(client, channel, { dropAfterFrames });
      });
      return true;
    },

    close() {
      closed = true;
      for (const off of unsubscribe) off();
      for (const hub of hubs.values()) hub.destroy();
      hubs.clear();
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
  };
}
