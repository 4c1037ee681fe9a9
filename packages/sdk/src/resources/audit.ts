import {
  type CursorPage,
  type IterateOptions,
  iterateCursor,
  iteratePages,
  type Page,
  toCursorPage,
} from "../core/pagination.js";
import { type ClientContext, data, Resource } from "../core/resource.js";
import type { RequestOptions } from "../core/transport.js";
import type { QueryOf, Schemas } from "../core/types.js";
import { mapPage, type ServerRef, toServerRef } from "./shapes.js";

export type ActivityLog = Schemas["ActivityLog"];
export type ServerLog = Schemas["ServerLog"];
export type WebftpLog = Schemas["WebftpLog"];
type RawSessionAnalysis = Schemas["SessionAnalysis"];
/** A session analysis; its `server` is always an object (a bare UUID becomes `{ id }`). */
export type SessionAnalysis = Pick<
  RawSessionAnalysis,
  "id" | "status" | "risk_score" | "summary"
> & {
  server?: ServerRef;
  /** Whatever else the analysis holds (findings, recommendations…): no client documents it. */
  [key: string]: unknown;
};
export type ListActivityLogsQuery = QueryOf<"listActivityLogs">;
export type ListServerLogsQuery = QueryOf<"listServerLogs">;
export type ListWebftpLogsQuery = QueryOf<"listWebftpLogs">;
export type ListSessionAnalysesQuery = QueryOf<"listSessionAnalyses">;
export type WebshRecord = Schemas["WebshRecord"];
/**
 * What asking for a websh session's analysis did: `accepted` (queued), `already_exists`, or
 * `no_content` (nothing was recorded in the session, the API's empty 204).
 */
export interface WebshAnalysisRequested {
  status: "accepted" | "already_exists" | "no_content" | (string & {});
  session: string;
}
export type ListSessionRecordsQuery = QueryOf<"listWebshSessionRecords">;
export type SearchSessionRecordsQuery = Omit<QueryOf<"searchWebshSessionRecords">, "q">;

/**
 * Who did what in the workspace (`/api/audit/activity/`), newest first. A cursor list: pass a
 * page's `next` back as `cursor`, or let `iterate` do it.
 */
export class ActivityLogs extends Resource {
  /** One cursor page: `listActivityLogs` (filters `user` id, `app`, `model`). */
  async list(
    query: ListActivityLogsQuery = {},
    options?: RequestOptions,
  ): Promise<CursorPage<ActivityLog>> {
    return toCursorPage(
      await data(
        this.http.GET("/api/audit/activity/", { params: { query }, ...this.request(options) }),
      ),
    );
  }

  iterate(
    query: ListActivityLogsQuery = {},
    options: IterateOptions & RequestOptions = {},
  ): AsyncGenerator<ActivityLog> {
    return iterateCursor((page) => this.list(page, options), query, options);
  }

  /** `getActivityLog`; ids are the API's own strings, not UUIDs. */
  get(id: string, options?: RequestOptions): Promise<ActivityLog> {
    return data(
      this.http.GET("/api/audit/activity/{id}/", {
        params: { path: { id } },
        ...this.request(options),
      }),
    );
  }
}

/** The agents' log records (`/api/history/logs/`), newest first; a cursor list. */
export class ServerLogs extends Resource {
  /** One cursor page: `listServerLogs` (filter `server`). */
  async list(
    query: ListServerLogsQuery = {},
    options?: RequestOptions,
  ): Promise<CursorPage<ServerLog>> {
    return toCursorPage(
      await data(
        this.http.GET("/api/history/logs/", { params: { query }, ...this.request(options) }),
      ),
    );
  }

  iterate(
    query: ListServerLogsQuery = {},
    options: IterateOptions & RequestOptions = {},
  ): AsyncGenerator<ServerLog> {
    return iterateCursor((page) => this.list(page, options), query, options);
  }
}

/** Finished WebFTP transfers (`/api/history/webftp-logs/`), newest first; a cursor list. */
export class WebftpLogs extends Resource {
  /** One cursor page: `listWebftpLogs` (filters `server`, `user`, `action`). */
  async list(
    query: ListWebftpLogsQuery = {},
    options?: RequestOptions,
  ): Promise<CursorPage<WebftpLog>> {
    return toCursorPage(
      await data(
        this.http.GET("/api/history/webftp-logs/", {
          params: { query },
          ...this.request(options),
        }),
      ),
    );
  }

  iterate(
    query: ListWebftpLogsQuery = {},
    options: IterateOptions & RequestOptions = {},
  ): AsyncGenerator<WebftpLog> {
    return iterateCursor((page) => this.list(page, options), query, options);
  }
}

function toSessionAnalysis(raw: RawSessionAnalysis): SessionAnalysis {
  const { server, ...rest } = raw;
  return server === undefined ? rest : { ...rest, server: toServerRef(server) };
}

/** AI security analyses of sessions (`/api/history/session-analyses/`), page-numbered. */
export class SessionAnalyses extends Resource {
  /** One page: `listSessionAnalyses` (filters `server`, `status`, `risk_score`). */
  async list(
    query: ListSessionAnalysesQuery = {},
    options?: RequestOptions,
  ): Promise<Page<SessionAnalysis>> {
    const page = await data(
      this.http.GET("/api/history/session-analyses/", {
        params: { query },
        ...this.request(options),
      }),
    );
    return mapPage(page, toSessionAnalysis);
  }

  iterate(
    query: ListSessionAnalysesQuery = {},
    options: IterateOptions & RequestOptions = {},
  ): AsyncGenerator<SessionAnalysis> {
    return iteratePages((page) => this.list(page, options), query, options);
  }

  /** The analysis of one websh session (404 until there is one): `getWebshSessionAnalysis`. */
  async getForWebshSession(session: string, options?: RequestOptions): Promise<SessionAnalysis> {
    return toSessionAnalysis(
      await data(
        this.http.GET("/api/websh/sessions/{id}/analysis/", {
          params: { path: { id: session } },
          ...this.request(options),
        }),
      ),
    );
  }

  /**
   * Asks for the analysis of a closed websh session: `analyzeWebshSession`. Sent once, never
   * retried (a POST); asking again answers `already_exists`.
   */
  async analyzeWebshSession(
    session: string,
    options?: RequestOptions,
  ): Promise<WebshAnalysisRequested> {
    const answer = await data(
      this.http.POST("/api/websh/sessions/{id}/analyze/", {
        params: { path: { id: session } },
        body: {},
        ...this.request(options),
      }),
    );
    return {
      status: answer?.status ?? "no_content",
      session: answer?.session ?? session,
    };
  }

  /** `getSessionAnalysis`. */
  async get(id: string, options?: RequestOptions): Promise<SessionAnalysis> {
    return toSessionAnalysis(
      await data(
        this.http.GET("/api/history/session-analyses/{id}/", {
          params: { path: { id } },
          ...this.request(options),
        }),
      ),
    );
  }
}

/**
 * A websh session's terminal recording (`/api/websh/sessions/{id}/records/` and `search/`),
 * oldest first; cursor lists like the logs.
 */
export class SessionRecords extends Resource {
  /** One cursor page of the recording: `listWebshSessionRecords`. */
  async list(
    session: string,
    query: ListSessionRecordsQuery = {},
    options?: RequestOptions,
  ): Promise<CursorPage<WebshRecord>> {
    return toCursorPage(
      await data(
        this.http.GET("/api/websh/sessions/{id}/records/", {
          params: { path: { id: session }, query },
          ...this.request(options),
        }),
      ),
    );
  }

  iterate(
    session: string,
    query: ListSessionRecordsQuery = {},
    options: IterateOptions & RequestOptions = {},
  ): AsyncGenerator<WebshRecord> {
    return iterateCursor((page) => this.list(session, page, options), query, options);
  }

  /** One cursor page of the records whose text matches `q`: `searchWebshSessionRecords`. */
  async search(
    session: string,
    q: string,
    query: SearchSessionRecordsQuery = {},
    options?: RequestOptions,
  ): Promise<CursorPage<WebshRecord>> {
    return toCursorPage(
      await data(
        this.http.GET("/api/websh/sessions/{id}/search/", {
          params: { path: { id: session }, query: { ...query, q } },
          ...this.request(options),
        }),
      ),
    );
  }
}

export interface Audit {
  readonly activity: ActivityLogs;
  readonly serverLogs: ServerLogs;
  readonly webftpLogs: WebftpLogs;
  readonly sessionAnalyses: SessionAnalyses;
  readonly sessionRecords: SessionRecords;
}

export function createAudit(context: ClientContext): Audit {
  return {
    activity: new ActivityLogs(context),
    serverLogs: new ServerLogs(context),
    webftpLogs: new WebftpLogs(context),
    sessionAnalyses: new SessionAnalyses(context),
    sessionRecords: new SessionRecords(context),
  };
}
