import type { IncomingMessage, ServerResponse } from "node:http";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { LogLevel } from "../server/log.js";
import { closeServer } from "../server/server.js";
import type { CallerHolder } from "./oauth-mode.js";

export type Log = (level: LogLevel, message: string) => void;

/** One client's MCP server and the transport that feeds it. */
export interface Session {
  server: McpServer;
  /** Hands a request to the session's transport. */
  handle(request: IncomingMessage, response: ServerResponse, body: unknown): Promise<void>;
  lastSeen: number;
  /** Requests being answered (not counting a GET stream left open for notifications). */
  active: number;
  /** It sent a request other than initialize and ping: a client at work, not just a slot. */
  used: boolean;
  /** OAuth mode: the person who opened it, whose latest token its API calls use. */
  caller?: CallerHolder | undefined;
}

export interface SessionsOptions {
  /** Sessions without a request for this long are closed; 0 never. */
  idleMs: number;
  /** Most sessions open at once (at least 1). */
  maxSessions: number;
  log: Log;
}

/** The open sessions of one handler: idle reaping, the cap and its eviction order. */
export class Sessions {
  private readonly open = new Map<string, Session>();
  private readonly reaper: NodeJS.Timeout | undefined;

  constructor(private readonly options: SessionsOptions) {
    const { idleMs } = options;
    if (idleMs > 0) {
      this.reaper = setInterval(() => this.reapIdle(), Math.max(10, Math.min(idleMs / 2, 60_000)));
      this.reaper.unref();
    }
  }

  get size(): number {
    return this.open.size;
  }

  get(id: string): Session | undefined {
    return this.open.get(id);
  }

  add(id: string, session: Session): void {
    this.open.set(id, session);
  }

  /** A new session's record, not yet added (stateful sessions get their id on initialize). */
  static create(server: McpServer, handle: Session["handle"], caller?: CallerHolder): Session {
    return { server, handle, lastSeen: Date.now(), active: 0, used: false, caller };
  }

  /** Hands a request to the session, keeping its idle and in-use state. */
  serve(
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
  makeRoom(): void {
    while (this.open.size >= this.options.maxSessions) {
      let victim: [string, Session] | undefined;
      for (const entry of this.open) {
        if (!victim || evictsBefore(entry[1], victim[1])) victim = entry;
      }
      if (!victim) return;
      const [id, session] = victim;
      this.open.delete(id);
      const what = `${session.active > 0 ? "busy" : "idle"}${session.used ? "" : ", never used"}`;
      this.options.log("notice", `session ${id} (${what}) closed to make room for a new client`);
      void closeServer(session.server).catch(() => {});
    }
  }

  /** Drops a session its transport closed (DELETE, reaper, shutdown), if it is still this one. */
  forget(id: string | undefined, session: Session): void {
    if (id === undefined || this.open.get(id) !== session) return;
    this.open.delete(id);
    this.options.log("info", `session ${id} closed`);
  }

  /** Stops reaping and closes every session. */
  async closeAll(): Promise<void> {
    if (this.reaper) clearInterval(this.reaper);
    const open = [...this.open.values()];
    this.open.clear();
    await Promise.all(open.map((session) => closeServer(session.server).catch(() => {})));
  }

  private reapIdle(): void {
    const { idleMs, log } = this.options;
    const cutoff = Date.now() - idleMs;
    for (const [id, session] of this.open) {
      if (session.active > 0 || session.lastSeen > cutoff) continue;
      this.open.delete(id);
      log("info", `session ${id} closed after ${Math.round(idleMs / 1000)} s without requests`);
      void closeServer(session.server).catch(() => {});
    }
  }
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
