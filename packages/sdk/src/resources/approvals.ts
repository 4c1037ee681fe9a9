import { type IterateOptions, iteratePages, type Page } from "../core/pagination.js";
import { data, Resource } from "../core/resource.js";
import type { RequestOptions } from "../core/transport.js";
import type { QueryOf, Schemas } from "../core/types.js";

/**
 * An approval request: a work session, a `sudo` a policy holds for a person, and more types the
 * service adds. `requestor` (a username) appears in the reference MCP's fixture only.
 */
export type ApprovalRequest = Schemas["ApprovalRequest"] & { requestor?: string };
export type ApprovalStatus = Schemas["ApprovalStatus"];
export type ListApprovalRequestsQuery = QueryOf<"listApprovalRequests">;
export type ApproveApprovalRequestBody = Schemas["ApprovalAdjustments"];
export type SudoPolicy = Schemas["SudoPolicy"];
export type ListSudoPoliciesQuery = QueryOf<"listSudoPolicies">;
export type CreateSudoPolicyBody = Schemas["SudoPolicyCreateRequest"];

type DecisionPath =
  | "/api/approvals/approvals/{id}/approve/"
  | "/api/approvals/approvals/{id}/reject/";

/**
 * Approval requests (`/api/approvals/approvals/`). Superusers list everyone's, others their own.
 * `approve` and `reject` are a person's: the service answers 403 to API tokens and agents
 * (ADR 0015), so they are for scripts a person runs with their own login, never for an agent.
 */
export class Approvals extends Resource {
  /** One page of requests: `listApprovalRequests`. */
  list(
    query: ListApprovalRequestsQuery = {},
    options?: RequestOptions,
  ): Promise<Page<ApprovalRequest>> {
    return data(
      this.http.GET("/api/approvals/approvals/", { params: { query }, ...this.request(options) }),
    );
  }

  iterate(
    query: ListApprovalRequestsQuery = {},
    options: IterateOptions & RequestOptions = {},
  ): AsyncGenerator<ApprovalRequest> {
    return iteratePages((page) => this.list(page, options), query, options);
  }

  /** One page of the caller's own requests: `listMyApprovalRequests`. */
  listMine(
    query: ListApprovalRequestsQuery = {},
    options?: RequestOptions,
  ): Promise<Page<ApprovalRequest>> {
    return data(
      this.http.GET("/api/approvals/approvals/-/", {
        params: { query },
        ...this.request(options),
      }),
    );
  }

  iterateMine(
    query: ListApprovalRequestsQuery = {},
    options: IterateOptions & RequestOptions = {},
  ): AsyncGenerator<ApprovalRequest> {
    return iteratePages((page) => this.listMine(page, options), query, options);
  }

  /** `getApprovalRequest`. */
  get(id: string, options?: RequestOptions): Promise<ApprovalRequest> {
    return data(
      this.http.GET("/api/approvals/approvals/{id}/", {
        params: { path: { id } },
        ...this.request(options),
      }),
    );
  }

  /**
   * `approveApprovalRequest`, optionally granting a work session fewer scopes or servers. A
   * person's call (403 for API tokens). The answer is the request, or null when the service sent
   * no body (the CLI's tests).
   */
  approve(
    id: string,
    body: ApproveApprovalRequestBody = {},
    options?: RequestOptions,
  ): Promise<ApprovalRequest | null> {
    return this.action("/api/approvals/approvals/{id}/approve/", id, body, options);
  }

  /** `rejectApprovalRequest`: a person's call (403 for API tokens); the request, or null. */
  reject(id: string, options?: RequestOptions): Promise<ApprovalRequest | null> {
    return this.action("/api/approvals/approvals/{id}/reject/", id, {}, options);
  }

  /** `cancelApprovalRequest`: the requester withdraws a pending request (a session's too). */
  async cancel(id: string, options?: RequestOptions): Promise<void> {
    await this.http.POST("/api/approvals/approvals/{id}/cancel/", {
      params: { path: { id } },
      body: {},
      ...this.request(options),
    });
  }

  private async action(
    path: DecisionPath,
    id: string,
    body: ApproveApprovalRequestBody,
    options?: RequestOptions,
  ): Promise<ApprovalRequest | null> {
    const answer = await data(
      this.http.POST(path, { params: { path: { id } }, body, ...this.request(options) }),
    );
    const request = answer as ApprovalRequest | undefined;
    return request && typeof request.id === "string" ? request : null;
  }
}

/** Workspace sudo policies (`/api/approvals/sudo-policies/`). */
export class SudoPolicies extends Resource {
  /** One page of policies: `listSudoPolicies`. */
  list(query: ListSudoPoliciesQuery = {}, options?: RequestOptions): Promise<Page<SudoPolicy>> {
    return data(
      this.http.GET("/api/approvals/sudo-policies/", {
        params: { query },
        ...this.request(options),
      }),
    );
  }

  iterate(
    query: ListSudoPoliciesQuery = {},
    options: IterateOptions & RequestOptions = {},
  ): AsyncGenerator<SudoPolicy> {
    return iteratePages((page) => this.list(page, options), query, options);
  }

  /**
   * `createSudoPolicy` (superusers): grants sudo for `commands` to `users`/`groups` on `servers`
   * (empty means all). Without `no_password` each covered run waits for a person's approval.
   * Never retried: a second POST would make a second policy.
   */
  create(body: CreateSudoPolicyBody, options?: RequestOptions): Promise<SudoPolicy> {
    return data(
      this.http.POST("/api/approvals/sudo-policies/", { body, ...this.request(options) }),
    );
  }
}
