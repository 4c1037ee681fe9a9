import { type IterateOptions, iteratePages, type Page } from "../core/pagination.js";
import { data, Resource } from "../core/resource.js";
import type { RequestOptions } from "../core/transport.js";
import type { QueryOf, Schemas } from "../core/types.js";

export type WebshSessionInfo = Schemas["WebshSession"];
export type WebshConnection = Schemas["WebshConnection"];
export type WebshShare = Schemas["WebshShare"];
export type InviteToWebshSessionBody = Schemas["WebshInviteRequest"];
export type CreateWebshSessionBody = Schemas["WebshSessionCreateRequest"];
export type ListWebshSessionsQuery = QueryOf<"listWebshSessions">;

/** Websh sessions over REST; the WebSocket that carries the terminal is opened from `websocket_url`. */
export class WebshSessions extends Resource {
  /** Opens a session on a server and returns where to connect: `createWebshSession`. */
  create(body: CreateWebshSessionBody, options?: RequestOptions): Promise<WebshConnection> {
    return data(this.http.POST("/api/websh/sessions/", { body, ...this.request(options) }));
  }

  /** `listWebshSessions`. */
  list(
    query: ListWebshSessionsQuery = {},
    options?: RequestOptions,
  ): Promise<Page<WebshSessionInfo>> {
    return data(
      this.http.GET("/api/websh/sessions/", { params: { query }, ...this.request(options) }),
    );
  }

  iterate(
    query: ListWebshSessionsQuery = {},
    options: IterateOptions & RequestOptions = {},
  ): AsyncGenerator<WebshSessionInfo> {
    return iteratePages((page) => this.list(page, options), query, options);
  }

  /** `getWebshSession`. */
  get(id: string, options?: RequestOptions): Promise<WebshSessionInfo> {
    return data(
      this.http.GET("/api/websh/sessions/{id}/", {
        params: { path: { id } },
        ...this.request(options),
      }),
    );
  }

  /** Resizes the session's terminal: `updateWebshSession`. */
  update(
    id: string,
    body: Schemas["WebshSessionUpdateRequest"],
    options?: RequestOptions,
  ): Promise<WebshSessionInfo> {
    return data(
      this.http.PATCH("/api/websh/sessions/{id}/", {
        params: { path: { id } },
        body,
        ...this.request(options),
      }),
    );
  }

  /** Ends a session for every channel: `closeWebshSession`. */
  async close(id: string, options?: RequestOptions): Promise<void> {
    await this.http.POST("/api/websh/sessions/{id}/close/", {
      params: { path: { id } },
      body: {},
      ...this.request(options),
    });
  }

  /** Ends a session even if its agent does not answer: `forceCloseWebshSession`. */
  async forceClose(id: string, options?: RequestOptions): Promise<void> {
    await this.http.POST("/api/websh/sessions/{id}/force-close/", {
      params: { path: { id } },
      body: {},
      ...this.request(options),
    });
  }

  /** Creates a share link with a password: `shareWebshSession`. */
  share(
    id: string,
    body: Schemas["WebshShareRequest"] = {},
    options?: RequestOptions,
  ): Promise<WebshShare> {
    return data(
      this.http.POST("/api/websh/sessions/{id}/share/", {
        params: { path: { id } },
        body,
        ...this.request(options),
      }),
    );
  }

  /**
   * Emails each address a link to join the session (read-only unless `read_only: false`):
   * `inviteToWebshSession`. Only the owner may invite, and only to an open session.
   */
  async invite(
    id: string,
    body: InviteToWebshSessionBody,
    options?: RequestOptions,
  ): Promise<void> {
    await this.http.POST("/api/websh/sessions/{id}/invite/", {
      params: { path: { id } },
      body,
      ...this.request(options),
    });
  }
}

/** Extra channels of an existing session: watch, reconnect, or join a shared one. */
export class WebshChannels extends Resource {
  /** `createWebshUserChannel`. */
  create(
    body: Schemas["WebshUserChannelCreateRequest"],
    options?: RequestOptions,
  ): Promise<WebshConnection> {
    return data(this.http.POST("/api/websh/user-channels/", { body, ...this.request(options) }));
  }

  /** Joins a shared session's channel with its password: `joinWebshUserChannel`. */
  join(
    channelId: string,
    body: Schemas["WebshJoinRequest"],
    options?: RequestOptions,
  ): Promise<WebshConnection> {
    return data(
      this.http.POST("/api/websh/user-channels/{channel_id}/join/", {
        params: { path: { channel_id: channelId } },
        body,
        ...this.request(options),
      }),
    );
  }
}

/**
 * The channel id a share link names (`https://…/websh/shared/<session>?channel=<id>`), read
 * from its `channel` query parameter as the CLI does (`JoinWebshSession`); undefined when the
 * text is not a URL or has none.
 */
export function sharedChannelId(sharedUrl: string): string | undefined {
  try {
    return new URL(sharedUrl).searchParams.get("channel") || undefined;
  } catch {
    return undefined;
  }
}
