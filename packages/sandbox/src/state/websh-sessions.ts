import { randomBytes } from "node:crypto";

export interface WebshChannel {
  id: string;
  sessionId: string;
  /** Path token of the WebSocket URL; single-use, replaced on every join/reconnect. */
  token: string;
  tokenUsed: boolean;
  isMaster: boolean;
  readOnly: boolean;
  userId: string | null;
  /** Share channels: the password guests must present, and until when. */
  password: string | null;
  /** Invite channels: the invitee's address and the token their link carries. */
  invite: { email: string; token: string } | null;
  expiresAt: number | null;
  addedAt: number;
}

/**
 * A TCP tunnel session (`POST /api/websh/tunnels/`): recorded and closable; the sandbox does not
 * carry its traffic (nothing answers its WebSocket URL).
 */
export interface WebshTunnel {
  id: string;
  serverId: string;
  userId: string;
  username: string;
  groupname: string;
  targetPort: number | null;
  clientType: string;
  channelId: string;
  token: string;
  addedAt: number;
  closedAt: number | null;
}

export interface WebshSession {
  id: string;
  serverId: string;
  userId: string;
  rows: number;
  cols: number;
  username: string;
  groupname: string;
  userAgent: string;
  remoteIp: string;
  clientType: string;
  addedAt: number;
  updatedAt: number;
  closedAt: number | null;
  success: boolean | null;
  /** The creator's master channel. */
  masterChannelId: string;
  /** The terminal recording: every piece of output, oldest first (see `recordOutput`). */
  records: WebshRecord[];
  channels: Map<string, WebshChannel>;
}

/** One piece of terminal output as the session recording keeps it. */
export interface WebshRecord {
  seq: number;
  at: number;
  text: string;
}

/** Records kept per session: the newest ones, as a bounded recording. */
export const RECORDS_PER_SESSION = 5_000;

export type SessionCloseListener = (session: WebshSession, reason: "close" | "force-close") => void;
export type SessionResizeListener = (session: WebshSession) => void;

const token = (bytes: number): string => randomBytes(bytes).toString("base64url");

/**
 * Websh session and channel records of one workspace. The WebSocket side (a separate module)
 * looks channels up by (session, channel, token) and listens for closes to end sockets with 4000.
 */
export class WebshStore {
  readonly sessions = new Map<string, WebshSession>();
  readonly tunnels = new Map<string, WebshTunnel>();
  private readonly channels = new Map<string, WebshChannel>();
  private readonly closeListeners = new Set<SessionCloseListener>();
  /** Told of every session created (the agent's log records it). */
  onOpen: ((session: WebshSession) => void) | null = null;
  private readonly resizeListeners = new Set<SessionResizeListener>();
  private version = 0;
  private cacheVersion = -1;
  private cache: WebshSession[] = [];

  constructor(
    private readonly now: () => number,
    private readonly newId: () => string,
  ) {}

  all(): readonly WebshSession[] {
    if (this.cacheVersion !== this.version) {
      this.cache = [...this.sessions.values()];
      this.cacheVersion = this.version;
    }
    return this.cache;
  }

  touch(): void {
    this.version++;
  }

  createSession(
    fields: Pick<WebshSession, "serverId" | "userId" | "rows" | "cols" | "username" | "groupname">,
  ): { session: WebshSession; channel: WebshChannel } {
    const now = this.now();
    const session: WebshSession = {
      id: this.newId(),
      ...fields,
      userAgent: "",
      remoteIp: "",
      clientType: "api",
      addedAt: now,
      updatedAt: now,
      closedAt: null,
      success: null,
      masterChannelId: "",
      channels: new Map(),
      records: [],
    };
    this.sessions.set(session.id, session);
    const channel = this.addChannel(session, {
      isMaster: true,
      readOnly: false,
      userId: fields.userId,
    });
    session.masterChannelId = channel.id;
    this.version++;
    this.onOpen?.(session);
    return { session, channel };
  }

  addChannel(
    session: WebshSession,
    opts: {
      isMaster: boolean;
      readOnly: boolean;
      userId: string | null;
      password?: string;
      invite?: { email: string; token: string };
      ttlMs?: number;
    },
  ): WebshChannel {
    const channel: WebshChannel = {
      id: this.newId(),
      sessionId: session.id,
      token: token(24),
      tokenUsed: false,
      isMaster: opts.isMaster,
      readOnly: opts.readOnly,
      userId: opts.userId,
      password: opts.password ?? null,
      invite: opts.invite ?? null,
      expiresAt: opts.ttlMs === undefined ? null : this.now() + opts.ttlMs,
      addedAt: this.now(),
    };
    session.channels.set(channel.id, channel);
    this.channels.set(channel.id, channel);
    session.updatedAt = this.now();
    this.version++;
    return channel;
  }

  /** Opens a tunnel session; its channel token is what its WebSocket URL carries. */
  createTunnel(
    fields: Pick<
      WebshTunnel,
      "serverId" | "userId" | "username" | "groupname" | "targetPort" | "clientType"
    >,
  ): WebshTunnel {
    const tunnel: WebshTunnel = {
      id: this.newId(),
      ...fields,
      channelId: this.newId(),
      token: token(24),
      addedAt: this.now(),
      closedAt: null,
    };
    this.tunnels.set(tunnel.id, tunnel);
    return tunnel;
  }

  closeTunnel(tunnel: WebshTunnel): void {
    tunnel.closedAt ??= this.now();
  }

  channel(id: string): WebshChannel | undefined {
    return this.channels.get(id);
  }

  /** A fresh single-use token for a channel (join, reconnect). */
  renewToken(channel: WebshChannel): string {
    channel.token = token(24);
    channel.tokenUsed = false;
    return channel.token;
  }

  /**
   * For the WebSocket upgrade: the channel if (session, channel, token) match and the token was
   * not used yet; marks it used. Returns null otherwise (answer the upgrade with 4xx).
   */
  consumeToken(sessionId: string, channelId: string, presented: string): WebshChannel | null {
    const channel = this.channels.get(channelId);
    if (!channel || channel.sessionId !== sessionId) return null;
    const session = this.sessions.get(sessionId);
    if (!session || session.closedAt !== null) return null;
    if (channel.tokenUsed || channel.token !== presented) return null;
    channel.tokenUsed = true;
    return channel;
  }

  /** Records what the first connecting channel reports (as the real server does on connect). */
  recordConnection(session: WebshSession, userAgent: string, remoteIp: string): void {
    if (session.userAgent === "") session.userAgent = userAgent;
    if (session.remoteIp === "") session.remoteIp = remoteIp;
    session.updatedAt = this.now();
    this.version++;
  }

  close(session: WebshSession, reason: "close" | "force-close", success = true): void {
    if (session.closedAt !== null) return;
    session.closedAt = this.now();
    session.updatedAt = session.closedAt;
    session.success = success;
    this.version++;
    for (const listener of this.closeListeners) listener(session, reason);
  }

  /**
   * Keeps a piece of the terminal's output for the session's recording: a reference and a push,
   * as it sits on the websh output path; the oldest half goes once the bound is twice exceeded.
   */
  recordOutput(session: WebshSession, text: string): void {
    const records = session.records;
    const last = records[records.length - 1];
    records.push({ seq: last === undefined ? 1 : last.seq + 1, at: this.now(), text });
    if (records.length > 2 * RECORDS_PER_SESSION) records.splice(0, RECORDS_PER_SESSION);
  }

  /** `PATCH rows/cols`: what the server turns into the agent's `resizepty`. */
  resize(session: WebshSession, rows: number, cols: number): void {
    session.rows = rows;
    session.cols = cols;
    session.updatedAt = this.now();
    this.version++;
    for (const listener of this.resizeListeners) listener(session);
  }

  onResize(listener: SessionResizeListener): () => void {
    this.resizeListeners.add(listener);
    return () => this.resizeListeners.delete(listener);
  }

  onClose(listener: SessionCloseListener): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }
}

/** An invite link's token: 32 characters, as the 2024 server's channel tokens. */
export function inviteToken(): string {
  return token(24);
}

/** A 16-character share password, as the 2024 server generated. */
export function sharePassword(): string {
  return randomBytes(12).toString("base64url").slice(0, 16);
}
