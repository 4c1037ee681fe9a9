import { isLoopbackHost } from "../core/base-url.js";
import { ConfigError } from "../core/errors.js";
import type { ClientContext } from "../core/resource.js";
import type { RequestOptions } from "../core/transport.js";
import {
  sharedChannelId,
  WebshChannels,
  type WebshConnection,
  WebshSessions,
} from "../resources/websh.js";
import { WebshTunnels } from "../resources/websh-tunnels.js";
import { checkWebshCommand } from "./markers.js";
import { type PoolKey, WebshPool } from "./pool.js";
import { connectWebsh, type ExecOptions, type ExecResult, type WebshSession } from "./session.js";

export interface OpenWebshOptions {
  server: string;
  rows?: number | undefined;
  cols?: number | undefined;
  username?: string | undefined;
  groupname?: string | undefined;
  /** Work session id to attach (the API's `work_session`): browser logins may need one. */
  workSession?: string | undefined;
  signal?: AbortSignal | undefined;
}

export interface PooledExecOptions extends ExecOptions, PoolKey {
  command: string;
}

export interface ConnectChannelOptions {
  websocketUrl: string;
  sessionId?: string | undefined;
  channelId?: string | undefined;
  signal?: AbortSignal | undefined;
  /**
   * Connect even when the URL is not one of this workspace's websh endpoints. Only for a URL
   * from a source you trust: every command line sent goes to that host.
   */
  allowOtherHost?: boolean | undefined;
}

/** A shared session to join: its link (or the link's channel id) and the password or invite token. */
export interface JoinWebshOptions {
  /** The share link (`…/websh/shared/<session>?channel=<id>`); or give `channelId`. */
  sharedUrl?: string | undefined;
  channelId?: string | undefined;
  /** The share's password. */
  password?: string | undefined;
  /** An invite link's token (instead of a password). */
  token?: string | undefined;
  signal?: AbortSignal | undefined;
}

const DEFAULT_IDLE_MS = 5 * 60 * 1000;

/** Websh: REST session management plus live terminals over WebSocket. */
export class Websh {
  readonly sessions: WebshSessions;
  readonly channels: WebshChannels;
  readonly tunnels: WebshTunnels;
  private readonly pool: WebshPool;

  constructor(private readonly context: ClientContext) {
    this.sessions = new WebshSessions(context);
    this.channels = new WebshChannels(context);
    this.tunnels = new WebshTunnels(context);
    this.pool = new WebshPool((key) => this.open(key), DEFAULT_IDLE_MS);
  }

  /** Creates a session on a server and connects to its terminal. */
  async open(options: OpenWebshOptions): Promise<WebshSession> {
    const request: RequestOptions = { signal: options.signal };
    const connection = await this.sessions.create(
      {
        server: options.server,
        rows: options.rows ?? 24,
        cols: options.cols ?? 80,
        ...(options.username ? { username: options.username } : {}),
        ...(options.groupname ? { groupname: options.groupname } : {}),
        ...(options.workSession ? { work_session: options.workSession } : {}),
      },
      request,
    );
    try {
      return await this.connectTo(connection, options.signal);
    } catch (error) {
      // Do not leave a session nobody can reach open on the server.
      await this.sessions.close(connection.id).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Connects to an existing channel (from a share/join or another process). The URL must be
   * one of this workspace's websh endpoints (see `webshUrlProblem`): the commands sent there,
   * and the workspace URL sent as Origin, go to whoever answers it.
   */
  connect(options: ConnectChannelOptions): Promise<WebshSession> {
    const { allowOtherHost, ...rest } = options;
    if (!allowOtherHost) {
      try {
        this.checkUrl(rest.websocketUrl);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return connectWebsh({
      ...rest,
      origin: this.origin(),
      userAgent: this.context.settings.userAgent,
      hooks: options.sessionId ? this.hooks(options.sessionId) : undefined,
    });
  }

  /**
   * Throws ConfigError unless the URL is one of this workspace's websh endpoints: its host and
   * port, its path followed by `/ws/websh/`, over `wss` (`ws` only on loopback). `connect` and
   * `execOnce` check this themselves; call it to refuse a URL before asking anyone about it.
   */
  checkUrl(websocketUrl: string): void {
    const problem = webshUrlProblem(websocketUrl, this.context.settings.baseUrl);
    if (problem) throw new ConfigError(problem);
  }

  /**
   * Connects to a channel URL, runs one command and disconnects, leaving the session open for
   * whoever owns it.
   */
  async execOnce(
    options: { websocketUrl: string; command: string; allowOtherHost?: boolean } & ExecOptions,
  ): Promise<ExecResult> {
    const { websocketUrl, command, allowOtherHost, ...execOptions } = options;
    checkWebshCommand(command);
    const shell = await this.connect({
      websocketUrl,
      ...(allowOtherHost ? { allowOtherHost } : {}),
      ...(execOptions.signal ? { signal: execOptions.signal } : {}),
    });
    try {
      return await shell.exec(command, execOptions);
    } finally {
      await shell.close({ terminate: false }).catch(() => undefined);
    }
  }

  /** Opens another channel on an open session (to watch it, or to reconnect as its master). */
  async attach(
    sessionId: string,
    options: { readOnly?: boolean; signal?: AbortSignal } = {},
  ): Promise<WebshSession> {
    const readOnly = options.readOnly ?? true;
    const connection = await this.channels.create(
      { session: sessionId, is_master: !readOnly, read_only: readOnly },
      { signal: options.signal },
    );
    return this.connectTo(connection, options.signal);
  }

  /**
   * Joins someone's shared session (a share link and its password, or an invite token) and
   * connects a channel of your own to it, read-only if the share or invite is. The session stays
   * its owner's: close this channel with `close({ terminate: false })`.
   */
  async join(options: JoinWebshOptions): Promise<WebshSession> {
    const channelId = joinChannelId(options);
    if (!options.password && !options.token) {
      throw new ConfigError("Give the share's password, or the token of an invite link.");
    }
    const connection = await this.channels.join(
      channelId,
      options.token ? { token: options.token } : { password: options.password as string },
      { signal: options.signal },
    );
    // Not this caller's session: no hooks, so nothing here resizes or closes it for everyone.
    return this.connectTo(connection, options.signal, { own: false });
  }

  /**
   * Runs a command in a pooled session for this server and user, opening one if needed:
   * the way to run several commands that share a working directory and environment.
   */
  exec(options: PooledExecOptions): Promise<ExecResult> {
    // The options serve as pool key and exec options: each reads only its own fields.
    const warm = this.pool.ready(options);
    if (warm) return warm.exec(options.command, options);
    const { server, username, groupname, workSession } = options;
    return this.pool
      .acquire({ server, username, groupname, workSession })
      .then((session) => session.exec(options.command, options));
  }

  /** Sessions this client holds open in its pool. */
  openSessions(): Promise<WebshSession[]> {
    return this.pool.sessions();
  }

  /** Closes every pooled session (for a clean shutdown). */
  closeAll(): Promise<void> {
    return this.pool.closeAll();
  }

  private connectTo(
    connection: WebshConnection,
    signal?: AbortSignal,
    { own = true }: { own?: boolean } = {},
  ): Promise<WebshSession> {
    return connectWebsh({
      websocketUrl: connection.websocket_url,
      sessionId: connection.id,
      channelId: connection.userchannel_id,
      readOnly: connection.read_only,
      origin: this.origin(),
      userAgent: this.context.settings.userAgent,
      signal,
      hooks: own ? this.hooks(connection.id) : undefined,
    });
  }

  private hooks(sessionId: string) {
    return {
      resize: async (rows: number, cols: number) => {
        await this.sessions.update(sessionId, { rows, cols });
      },
      terminate: () => this.sessions.close(sessionId),
    };
  }

  private origin(): string {
    return new URL(this.context.settings.baseUrl).origin;
  }
}

function joinChannelId(options: JoinWebshOptions): string {
  const fromUrl = options.sharedUrl === undefined ? undefined : sharedChannelId(options.sharedUrl);
  if (options.sharedUrl !== undefined && fromUrl === undefined) {
    throw new ConfigError(
      "sharedUrl is not a websh share link: it must be a URL with a `channel` query parameter (…/websh/shared/<session>?channel=<id>).",
    );
  }
  if (fromUrl !== undefined && options.channelId !== undefined && fromUrl !== options.channelId) {
    throw new ConfigError(
      `channelId ${options.channelId} does not match the share link, which is for channel ${fromUrl}.`,
    );
  }
  const channelId = fromUrl ?? options.channelId;
  if (!channelId) throw new ConfigError("Give the share link (sharedUrl) or its channel id.");
  return channelId;
}

/**
 * Why a websh URL is not one of the workspace's own endpoints (see `Websh.checkUrl`), or
 * undefined when it is. The answer never quotes the URL, whose path holds a token.
 */
function webshUrlProblem(websocketUrl: string, baseUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(websocketUrl);
  } catch {
    return "websocketUrl is not a valid URL: pass the websocket_url the API returned.";
  }
  const base = new URL(baseUrl);
  const scheme = base.protocol === "https:" ? "wss:" : "ws:";
  const path = `${base.pathname.replace(/\/+$/, "")}/ws/websh/`;
  const expected = `${scheme}//${base.host}${path}`;
  if (url.protocol === "ws:" && !isLoopbackHost(url.hostname)) {
    return `websocketUrl uses plain ws:// to ${url.hostname}: websh URLs must use wss:// (ws:// only on loopback). This workspace's websh URLs start with ${expected}.`;
  }
  if (url.protocol !== scheme || url.host !== base.host || !url.pathname.startsWith(path)) {
    return `websocketUrl is not a websh endpoint of this workspace (${url.protocol}//${url.host}${url.pathname.startsWith(path) ? "" : " with another path"}): its websh URLs start with ${expected}. Use the websocket_url this workspace's API returned.`;
  }
  return undefined;
}
