/**
 * One websh session's live side: the PTY and every user channel connected to it. Output is
 * broadcast to all channels (the proxy's channel group); input from writable channels goes to
 * the PTY. Output produced in one turn of the event loop goes out as one binary frame (split at
 * 8 KiB like alpamon's PTY reads), so frame counts stay small and deterministic.
 */
import type { WebSocket } from "ws";
import type { WebshChannel } from "../state/websh-sessions.js";
import type { Pty } from "./pty.js";

/** The proxy's `sessionCloseCode`: the session ended (exit, REST close, force-close). */
export const SESSION_CLOSE_CODE = 4000;
/** alpamon reads the PTY in 8 KiB pieces and sends each as one frame. */
const FRAME_BYTES = 8192;

export interface ChannelOptions {
  /** Fault injection: drop the TCP connection (no close frame) after this many frames. */
  dropAfterFrames: number | null;
}

class ChannelConnection {
  private sent = 0;
  private dropping = false;

  constructor(
    readonly socket: WebSocket,
    readonly channel: WebshChannel,
    private readonly dropAfter: number | null,
  ) {
    if (dropAfter !== null && dropAfter <= 0) this.drop();
  }

  get open(): boolean {
    return !this.dropping && this.socket.readyState === this.socket.OPEN;
  }

  send(frame: Buffer): void {
    if (!this.open) return;
    this.sent++;
    const last = this.dropAfter !== null && this.sent >= this.dropAfter;
    if (!last) {
      this.socket.send(frame, { binary: true });
      return;
    }
    this.dropping = true;
    // Let the N-th frame reach the client, then cut the TCP connection: the client sees 1006.
    this.socket.send(frame, { binary: true }, () => this.socket.terminate());
  }

  drop(): void {
    this.dropping = true;
    this.socket.terminate();
  }
}

export class SessionHub {
  private readonly connections = new Set<ChannelConnection>();
  /**
   * Output of this turn, as text: the PTY echoes keystrokes one at a time, so it is encoded
   * once per frame rather than once per character.
   */
  private pending = "";
  private flushHandle: NodeJS.Immediate | undefined;
  private ended = false;

  constructor(readonly pty: Pty) {}

  get channelCount(): number {
    return this.connections.size;
  }

  /** PTY output → every channel. */
  broadcast(text: string): void {
    if (this.ended || text === "") return;
    this.pending += text;
    this.flushHandle ??= setImmediate(() => this.flush());
  }

  attach(socket: WebSocket, channel: WebshChannel, options: ChannelOptions): void {
    const connection = new ChannelConnection(socket, channel, options.dropAfterFrames);
    this.connections.add(connection);
    socket.on("message", (data, isBinary) => {
      // A read-only channel (share link, staff watch) may look but not type.
      if (channel.readOnly || this.ended) return;
      const bytes = Array.isArray(data)
        ? Buffer.concat(data)
        : Buffer.isBuffer(data)
          ? data
          : Buffer.from(data);
      this.pty.input(isBinary ? bytes : bytes.toString("utf8"));
    });
    socket.on("close", () => this.connections.delete(connection));
    socket.on("error", () => socket.terminate());
    // Give the newcomer a usable screen: the prompt (and anything typed at it) when idle.
    const screen = this.pty.screen();
    if (screen !== "") connection.send(Buffer.from(screen, "utf8"));
  }

  /**
   * The session is over: deliver what the PTY printed last (the `exit` echo, the EXIT trap's
   * marker), then close every channel with 4000.
   */
  end(reason = "Session closed."): void {
    if (this.ended) return;
    this.flush();
    this.ended = true;
    this.pty.close();
    for (const connection of this.connections) {
      if (connection.open) connection.socket.close(SESSION_CLOSE_CODE, reason);
    }
  }

  /** Sandbox shutdown: no close handshake, just stop everything now. */
  destroy(): void {
    this.ended = true;
    if (this.flushHandle !== undefined) clearImmediate(this.flushHandle);
    this.flushHandle = undefined;
    this.pending = "";
    this.pty.close();
    for (const connection of this.connections) connection.socket.terminate();
    this.connections.clear();
  }

  private flush(): void {
    if (this.flushHandle !== undefined) clearImmediate(this.flushHandle);
    this.flushHandle = undefined;
    if (this.pending === "") return;
    const all = Buffer.from(this.pending, "utf8");
    this.pending = "";
    for (let offset = 0; offset < all.length; offset += FRAME_BYTES) {
      const frame = all.subarray(offset, offset + FRAME_BYTES);
      for (const connection of this.connections) connection.send(frame);
    }
  }
}
