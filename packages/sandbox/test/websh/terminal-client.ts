/**
 * A tiny websh user-channel client for tests, on the `ws` package: binary keystrokes in, the
 * terminal text out, and helpers to wait for a piece of output or for the close.
 */
import WebSocket from "ws";
import type { Api } from "../helpers/sandbox.js";

export interface CloseInfo {
  code: number;
  reason: string;
}

export class TerminalClient {
  text = "";
  frames: { binary: boolean; bytes: Buffer }[] = [];
  readonly closed: Promise<CloseInfo>;
  private waiters = new Set<() => void>();

  private constructor(readonly socket: WebSocket) {
    socket.on("message", (data, isBinary) => {
      const bytes = Array.isArray(data)
        ? Buffer.concat(data)
        : Buffer.isBuffer(data)
          ? data
          : Buffer.from(data);
      this.frames.push({ binary: isBinary, bytes });
      this.text += bytes.toString("utf8");
      for (const wake of this.waiters) wake();
    });
    this.closed = new Promise((resolve) => {
      socket.on("close", (code, reason) => {
        for (const wake of this.waiters) wake();
        resolve({ code, reason: reason.toString() });
      });
    });
  }

  static connect(url: string, headers: Record<string, string> = {}): Promise<TerminalClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { headers });
      const client = new TerminalClient(socket);
      socket.once("open", () => resolve(client));
      socket.once("unexpected-response", (_req, res) => {
        reject(new HandshakeError(res.statusCode ?? 0));
        socket.terminate();
      });
      socket.once("error", (error) => reject(error));
    });
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** Sends keystrokes as one binary frame, as the CLI does. */
  type(keys: string): void {
    this.socket.send(Buffer.from(keys, "utf8"), { binary: true });
  }

  /** Resolves with the whole text once it matches (from `from` on), or rejects after `ms`. */
  async waitFor(pattern: string | RegExp, from = 0, ms = 3000): Promise<string> {
    const matches = () => {
      const slice = this.text.slice(from);
      return typeof pattern === "string" ? slice.includes(pattern) : pattern.test(slice);
    };
    if (matches()) return this.text.slice(from);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(
          new Error(
            `timed out waiting for ${String(pattern)}; got ${JSON.stringify(this.text.slice(from))}`,
          ),
        );
      }, ms);
      const check = () => {
        if (matches()) {
          clearTimeout(timer);
          this.waiters.delete(check);
          resolve(this.text.slice(from));
        }
      };
      this.waiters.add(check);
    });
  }

  close(): void {
    this.socket.terminate();
  }
}

export class HandshakeError extends Error {
  constructor(readonly status: number) {
    super(`handshake refused with HTTP ${status}`);
  }
}

/** A connected Linux server the admin token may open a shell on. */
export async function linuxServer(api: Api): Promise<{ id: string; name: string }> {
  const res = await api.get("/api/servers/servers/?page_size=100");
  const server = (res.body.results as Record<string, unknown>[]).find(
    (s) =>
      s.is_connected === true && s.commissioned === true && !/windows/i.test(String(s.os_name)),
  );
  if (!server) throw new Error("no connected Linux server in the sandbox");
  return { id: String(server.id), name: String(server.name) };
}

export interface OpenedSession {
  id: string;
  websocketUrl: string;
  channelId: string;
  username: string;
}

/** Creates a websh session (REST, contract-checked) on a Linux server. */
export async function createSession(
  api: Api,
  body: Record<string, unknown> = {},
): Promise<OpenedSession> {
  const server = await linuxServer(api);
  const res = await api.post("/api/websh/sessions/", {
    server: server.id,
    rows: 24,
    cols: 80,
    ...body,
  });
  if (res.status !== 201) throw new Error(`session create: ${res.status} ${res.text}`);
  return {
    id: res.body.id,
    websocketUrl: res.body.websocket_url,
    channelId: res.body.userchannel_id,
    username: res.body.username,
  };
}

/** One more user channel on a session (`POST /api/websh/user-channels/`). */
export async function addChannel(
  api: Api,
  session: string,
  options: { readOnly?: boolean; isMaster?: boolean } = {},
): Promise<string> {
  const res = await api.post("/api/websh/user-channels/", {
    session,
    is_master: options.isMaster ?? false,
    read_only: options.readOnly ?? false,
  });
  if (res.status !== 201) throw new Error(`user channel: ${res.status} ${res.text}`);
  return res.body.websocket_url;
}
