import type { WebshSession } from "@alpacon/sdk";
import { ToolError } from "./errors.js";

export interface ChannelInfo {
  channelId: string;
  sessionId: string;
  workspace: string;
  region: string;
  /** Server id, when known (websh_session_create, websh_session_reconnect). */
  server: string | null;
  /** The server ignores this channel's input (a read-only share or invite): no command runs in it. */
  readOnly: boolean;
  openedAt: string;
  lastUsedAt: string;
  /** Whether a command is running on the channel (a channel runs one at a time). */
  busy: boolean;
}

interface Entry {
  info: ChannelInfo;
  shell: WebshSession;
  /**
   * Opened here (websh_session_create): closing it ends the session on the server too.
   * Attached channels (websh_channel_connect) only disconnect, leaving the session to its owner.
   */
  owned: boolean;
}

interface Opening {
  channelId: string | undefined;
}

export interface PoolOptions {
  /** Most channels open at once; opening one more is refused. Default 8. */
  maxChannels?: number;
  /** Channels unused for this long are closed. Default 30 minutes. */
  idleMs?: number;
}

/**
 * The websh channels this server holds open between tool calls (websh_channel_* tools), by
 * channel id. They belong to one MCP server, hence to one client session: stateless HTTP, where
 * no caller can be told apart, does not offer those tools.
 */
export class WebshChannels {
  private readonly channels = new Map<string, Entry>();
  /** Channels connecting now: they count against the cap. */
  private readonly opening = new Set<Opening>();
  private closed = false;
  readonly maxChannels: number;
  private readonly idleMs: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(options: PoolOptions = {}) {
    this.maxChannels = options.maxChannels ?? 8;
    this.idleMs = options.idleMs ?? 30 * 60_000;
  }

  /**
   * Refuses before a connection is made, so no channel is opened only to be dropped: when the
   * pool is full (counting channels still connecting) or `channelId` is open or opening here.
   */
  assertRoom(channelId?: string): void {
    if (channelId !== undefined && this.taken(channelId)) {
      throw new ToolError(
        `websh channel ${channelId} is already open here, and an open channel is never replaced`,
        `Run commands in it with websh_channel_execute channelId: ${channelId}, or close its session with websh_session_terminate first`,
      );
    }
    const held = this.channels.size + this.opening.size;
    if (held >= this.maxChannels) {
      throw new ToolError(
        `${held} websh channels are already open here, the most this server keeps`,
        "Disconnect one with websh_channel_disconnect or end its session with websh_session_terminate (websh_channels_list shows them), then retry",
      );
    }
  }

  /**
   * Connects a channel and keeps it. Its place is held while it connects, so calls made at
   * the same time cannot open more than the cap; a channel that cannot be kept is closed
   * (its session ended too when `owned`) instead of being left open unseen.
   */
  async open(
    connect: () => Promise<WebshSession>,
    describe: (shell: WebshSession) => Omit<ChannelInfo, "openedAt" | "lastUsedAt" | "busy">,
    owned: boolean,
    channelId?: string,
  ): Promise<ChannelInfo> {
    this.assertRoom(channelId);
    const opening: Opening = { channelId };
    this.opening.add(opening);
    let shell: WebshSession;
    try {
      shell = await connect();
    } finally {
      this.opening.delete(opening);
    }
    const info = describe(shell);
    if (this.closed || this.channels.has(info.channelId)) {
      await closeQuietly(shell, owned);
      // Throws "already open" for a duplicate id.
      if (!this.closed) this.assertRoom(info.channelId);
      throw new ToolError("this MCP server is shutting down", "Retry once it runs again");
    }
    return this.add(shell, info, owned);
  }

  private add(
    shell: WebshSession,
    info: Omit<ChannelInfo, "openedAt" | "lastUsedAt" | "busy">,
    owned: boolean,
  ): ChannelInfo {
    const now = new Date().toISOString();
    const entry: Entry = {
      shell,
      owned,
      info: { ...info, openedAt: now, lastUsedAt: now, busy: false },
    };
    this.channels.set(info.channelId, entry);
    // The remote end may close the channel (session terminated elsewhere, agent gone).
    shell.closed.then(
      () => this.forget(info.channelId, shell),
      () => this.forget(info.channelId, shell),
    );
    this.startReaper();
    return { ...entry.info };
  }

  private taken(channelId: string): boolean {
    if (this.channels.has(channelId)) return true;
    for (const opening of this.opening) if (opening.channelId === channelId) return true;
    return false;
  }

  list(): ChannelInfo[] {
    return [...this.channels.values()].map((entry) => ({ ...entry.info }));
  }

  /** Runs `use` on a channel, one command at a time per channel. */
  async use<T>(channelId: string, use: (shell: WebshSession, info: ChannelInfo) => Promise<T>) {
    const entry = this.channels.get(channelId);
    if (!entry) throw missingChannel(channelId);
    if (entry.info.busy) {
      throw new ToolError(
        `channel ${channelId} is still running a command`,
        "Wait for it to finish, or open another channel with websh_session_create",
      );
    }
    entry.info.busy = true;
    try {
      return await use(entry.shell, { ...entry.info });
    } finally {
      entry.info.busy = false;
      entry.info.lastUsedAt = new Date().toISOString();
    }
  }

  /**
   * Disconnects one channel here and forgets it, leaving its session open on the server (even
   * one opened here): returns what it was. Refused for a channel running a command.
   */
  async disconnect(channelId: string): Promise<ChannelInfo> {
    const entry = this.channels.get(channelId);
    if (!entry) throw missingChannel(channelId);
    if (entry.info.busy) {
      throw new ToolError(
        `channel ${channelId} is still running a command`,
        "Wait for the command to finish, then disconnect",
      );
    }
    this.channels.delete(channelId);
    if (this.channels.size === 0) this.stopReaper();
    await closeQuietly(entry.shell, false);
    return { ...entry.info };
  }

  /** Disconnects every local channel of a session already closed on the server; returns their ids. */
  async dropSession(sessionId: string): Promise<string[]> {
    const dropped: string[] = [];
    for (const [channelId, entry] of this.channels) {
      if (entry.info.sessionId !== sessionId) continue;
      this.channels.delete(channelId);
      dropped.push(channelId);
      await closeQuietly(entry.shell, false);
    }
    return dropped;
  }

  async closeAll(): Promise<void> {
    this.closed = true;
    const entries = [...this.channels.values()];
    this.channels.clear();
    this.stopReaper();
    await Promise.all(entries.map((entry) => closeQuietly(entry.shell, entry.owned)));
  }

  private forget(channelId: string, shell: WebshSession): void {
    if (this.channels.get(channelId)?.shell === shell) this.channels.delete(channelId);
    if (this.channels.size === 0) this.stopReaper();
  }

  private startReaper(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.reapIdle(), Math.min(this.idleMs, 60_000));
    // Idle channels must not keep the process alive on their own.
    this.timer.unref();
  }

  private stopReaper(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private reapIdle(): void {
    const cutoff = Date.now() - this.idleMs;
    for (const [channelId, entry] of this.channels) {
      if (entry.info.busy || Date.parse(entry.info.lastUsedAt) > cutoff) continue;
      this.channels.delete(channelId);
      void closeQuietly(entry.shell, entry.owned);
    }
    if (this.channels.size === 0) this.stopReaper();
  }
}

/** The refusal for a channel id this server does not hold (also used before asking the user). */
export function missingChannel(channelId: string): ToolError {
  return new ToolError(
    `no websh channel ${channelId} is open in this server`,
    "List the open ones with websh_channels_list, or open one with websh_session_create; channels do not survive a server restart",
  );
}

async function closeQuietly(shell: WebshSession, terminate: boolean): Promise<void> {
  try {
    await shell.close({ terminate });
  } catch {
    // Closing is best effort: the channel is gone from the pool either way.
  }
}
