import { type IterateOptions, iteratePages, type Page } from "../core/pagination.js";
import { data, Resource } from "../core/resource.js";
import type { RequestOptions } from "../core/transport.js";
import type { QueryOf, Schemas } from "../core/types.js";
import { mapPage, type ServerRef, toServerRef } from "./shapes.js";

type RawWorkSession = Schemas["WorkSession"];
type ServerDiff = { old: ServerRef[]; new: ServerRef[] };
/**
 * A work session. Its servers (and those of the approver's `adjustments`) are always objects:
 * a bare UUID, which the spec allows for server references, becomes `{ id }`.
 */
export type WorkSession = Omit<RawWorkSession, "servers" | "adjustments"> & {
  servers?: ServerRef[];
  adjustments?: { scopes?: { old?: string[]; new?: string[] }; servers?: ServerDiff } | null;
};
export type WorkSessionStatus = Schemas["WorkSessionStatus"];
export type ListWorkSessionsQuery = QueryOf<"listWorkSessions">;
export type CreateWorkSessionBody = Schemas["WorkSessionCreateRequest"];
export type UpdateWorkSessionBody = Schemas["WorkSessionUpdateRequest"];
export type ApproveWorkSessionBody = Schemas["ApprovalAdjustments"];
export type ExtendWorkSessionBody = Schemas["WorkSessionExtendRequest"];
export type WorkSessionAnalysisRequested = Schemas["WorkSessionAnalysisRequested"];
export type WorkSessionTimelineQuery = QueryOf<"listWorkSessionTimeline">;
/**
 * One timeline event. Its time is `timestamp` whichever name the API used (`timestamp` in the
 * CLI's type, `added_at` in the reference MCP's fixture); null when it sent neither.
 */
export type WorkSessionTimelineItem = Omit<Schemas["WorkSessionTimelineItem"], "timestamp"> & {
  timestamp: string | null;
};

type Path = { params: { path: { id: string } } };

function toWorkSession(raw: RawWorkSession): WorkSession {
  const { servers, adjustments, ...rest } = raw;
  const refs = (list: Schemas["ServerRef"][] | undefined) => (list ?? []).map(toServerRef);
  return {
    ...rest,
    ...(servers === undefined ? {} : { servers: refs(servers) }),
    ...(adjustments === undefined
      ? {}
      : {
          adjustments: adjustments && {
            ...(adjustments.scopes ? { scopes: adjustments.scopes } : {}),
            ...(adjustments.servers
              ? {
                  servers: {
                    old: refs(adjustments.servers.old),
                    new: refs(adjustments.servers.new),
                  },
                }
              : {}),
          },
        }),
  };
}

async function session(call: Promise<{ data?: RawWorkSession }>): Promise<WorkSession> {
  return toWorkSession(await data(call));
}
type ActionPath =
  | "/api/work-sessions/sessions/{id}/activate/"
  | "/api/work-sessions/sessions/{id}/complete/"
  | "/api/work-sessions/sessions/{id}/reject/"
  | "/api/work-sessions/sessions/{id}/revoke/"
  | "/api/work-sessions/sessions/{id}/cancel/";

/**
 * Approval-gated work sessions (`/api/work-sessions/sessions/`): a request (`pending`) a person
 * approves out of band, then `active` until completed, revoked or expired. Commands, websh and
 * webftp calls name one with `workSession` where the workspace requires it.
 */
export class WorkSessions extends Resource {
  /** One page of sessions: `listWorkSessions`. */
  async list(
    query: ListWorkSessionsQuery = {},
    options?: RequestOptions,
  ): Promise<Page<WorkSession>> {
    const page = await data(
      this.http.GET("/api/work-sessions/sessions/", {
        params: { query },
        ...this.request(options),
      }),
    );
    return mapPage(page, toWorkSession);
  }

  iterate(
    query: ListWorkSessionsQuery = {},
    options: IterateOptions & RequestOptions = {},
  ): AsyncGenerator<WorkSession> {
    return iteratePages((page) => this.list(page, options), query, options);
  }

  /** `createWorkSession`: usually answers `pending` until a person approves it. */
  create(body: CreateWorkSessionBody, options?: RequestOptions): Promise<WorkSession> {
    return session(
      this.http.POST("/api/work-sessions/sessions/", { body, ...this.request(options) }),
    );
  }

  /** `getWorkSession`. */
  get(id: string, options?: RequestOptions): Promise<WorkSession> {
    return session(
      this.http.GET("/api/work-sessions/sessions/{id}/", {
        ...this.path(id),
        ...this.request(options),
      }),
    );
  }

  /**
   * `updateWorkSession` (PATCH). On an approved or active session a change of scopes or servers
   * waits for approval: the answer's `pending_modification_request` is then set.
   */
  update(id: string, body: UpdateWorkSessionBody, options?: RequestOptions): Promise<WorkSession> {
    return session(
      this.http.PATCH("/api/work-sessions/sessions/{id}/", {
        ...this.path(id),
        body,
        ...this.request(options),
      }),
    );
  }

  /** `activateWorkSession`: approved → active, before its `starts_at`. */
  activate(id: string, options?: RequestOptions): Promise<WorkSession> {
    return this.action("/api/work-sessions/sessions/{id}/activate/", id, options);
  }

  /** `completeWorkSession`: active → completed; the analysis then runs by itself. */
  complete(id: string, options?: RequestOptions): Promise<WorkSession> {
    return this.action("/api/work-sessions/sessions/{id}/complete/", id, options);
  }

  /**
   * `rejectWorkSession`: pending → rejected. A person decides with their own browser login;
   * API tokens and agents get 403 (`PermissionDeniedError`, ADR 0015).
   */
  reject(id: string, options?: RequestOptions): Promise<WorkSession> {
    return this.action("/api/work-sessions/sessions/{id}/reject/", id, options);
  }

  /** `revokeWorkSession`: approved or active → revoked (superusers). */
  revoke(id: string, options?: RequestOptions): Promise<WorkSession> {
    return this.action("/api/work-sessions/sessions/{id}/revoke/", id, options);
  }

  /** `cancelWorkSession`: pending → cancelled (its creator). */
  cancel(id: string, options?: RequestOptions): Promise<WorkSession> {
    return this.action("/api/work-sessions/sessions/{id}/cancel/", id, options);
  }

  /**
   * `approveWorkSession`: pending → approved, optionally granting fewer scopes or servers.
   * A person decides with their own browser login; API tokens and agents get 403
   * (`PermissionDeniedError`, ADR 0015).
   */
  approve(
    id: string,
    body: ApproveWorkSessionBody = {},
    options?: RequestOptions,
  ): Promise<WorkSession> {
    return session(
      this.http.POST("/api/work-sessions/sessions/{id}/approve/", {
        ...this.path(id),
        body,
        ...this.request(options),
      }),
    );
  }

  /** `extendWorkSession`: a later `expires_at` for an approved or active session. */
  extend(id: string, body: ExtendWorkSessionBody, options?: RequestOptions): Promise<WorkSession> {
    return session(
      this.http.POST("/api/work-sessions/sessions/{id}/extend/", {
        ...this.path(id),
        body,
        ...this.request(options),
      }),
    );
  }

  /** `analyzeWorkSession`: runs the analysis of an ended session (again, with `force`). */
  analyze(
    id: string,
    query: QueryOf<"analyzeWorkSession"> = {},
    options?: RequestOptions,
  ): Promise<WorkSessionAnalysisRequested> {
    return data(
      this.http.POST("/api/work-sessions/sessions/{id}/analyze/", {
        params: { path: { id }, query },
        body: {},
        ...this.request(options),
      }),
    );
  }

  /**
   * One page of `listWorkSessionTimeline`, in order. A page sent as `{results}` alone (the
   * reference MCP's fixture) reads as the only page.
   */
  async timeline(
    id: string,
    query: WorkSessionTimelineQuery = {},
    options?: RequestOptions,
  ): Promise<Page<WorkSessionTimelineItem>> {
    const page = await data(
      this.http.GET("/api/work-sessions/sessions/{id}/timeline/", {
        params: { path: { id }, query },
        ...this.request(options),
      }),
    );
    const results = (page.results ?? []).map(({ timestamp, added_at, ...item }) => ({
      ...item,
      timestamp: timestamp ?? added_at ?? null,
      ...(added_at === undefined ? {} : { added_at }),
    }));
    const current = page.current ?? query.page ?? 1;
    return {
      count: page.count ?? results.length,
      current,
      next: page.next ?? null,
      previous: page.previous ?? null,
      last: page.last ?? current,
      results,
    };
  }

  iterateTimeline(
    id: string,
    query: WorkSessionTimelineQuery = {},
    options: IterateOptions & RequestOptions = {},
  ): AsyncGenerator<WorkSessionTimelineItem> {
    return iteratePages((page) => this.timeline(id, page, options), query, options);
  }

  private path(id: string): Path {
    return { params: { path: { id } } };
  }

  private action(path: ActionPath, id: string, options?: RequestOptions): Promise<WorkSession> {
    return session(this.http.POST(path, { ...this.path(id), body: {}, ...this.request(options) }));
  }
}
