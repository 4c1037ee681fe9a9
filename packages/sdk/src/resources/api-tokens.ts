import { type IterateOptions, iteratePages, type Page } from "../core/pagination.js";
import { data, Resource } from "../core/resource.js";
import type { RequestOptions } from "../core/transport.js";
import type { QueryOf, Schemas } from "../core/types.js";

/** An API token; `key` only in the answers of `create` and `duplicate` (shown once). */
export type ApiToken = Schemas["ApiToken"];
export type ListApiTokensQuery = QueryOf<"listApiTokens">;
export type CreateApiTokenBody = Schemas["ApiTokenCreateRequest"];
export type UpdateApiTokenBody = Schemas["ApiTokenUpdateRequest"];
export type DuplicateApiTokenBody = Schemas["ApiTokenDuplicateRequest"];
export type ApiTokenScopeCatalog = Schemas["ApiTokenScopeCatalog"];
export type ApiTokenScopeResource = Schemas["ApiTokenScopeResource"];
export type ApiTokenPresetCatalog = Schemas["ApiTokenPresetCatalog"];

/**
 * The caller's API tokens (`/api/auth/tokens/`). The service refuses every call but `scopes()`
 * and `presets()` to a client authenticated with an API token (403): use a login (JWT).
 */
export class ApiTokens extends Resource {
  /** One page of the caller's tokens, without keys: `listApiTokens`. */
  list(query: ListApiTokensQuery = {}, options?: RequestOptions): Promise<Page<ApiToken>> {
    return data(
      this.http.GET("/api/auth/tokens/", { params: { query }, ...this.request(options) }),
    );
  }

  iterate(
    query: ListApiTokensQuery = {},
    options: IterateOptions & RequestOptions = {},
  ): AsyncGenerator<ApiToken> {
    return iteratePages((page) => this.list(page, options), query, options);
  }

  /**
   * `createApiToken`: the answer's `key` is the secret, shown only this once. Without `scopes`
   * and `presets` the token gets every scope (`*`). Never retried: a second POST would mint a
   * second token.
   */
  create(body: CreateApiTokenBody, options?: RequestOptions): Promise<ApiToken> {
    return data(this.http.POST("/api/auth/tokens/", { body, ...this.request(options) }));
  }

  /** `getApiToken` (no key). */
  get(id: string, options?: RequestOptions): Promise<ApiToken> {
    return data(
      this.http.GET("/api/auth/tokens/{id}/", {
        params: { path: { id } },
        ...this.request(options),
      }),
    );
  }

  /** `updateApiToken` (PATCH): rename, enable/disable, change or clear (`null`) the expiry, set scopes. */
  update(id: string, body: UpdateApiTokenBody, options?: RequestOptions): Promise<ApiToken> {
    return data(
      this.http.PATCH("/api/auth/tokens/{id}/", {
        params: { path: { id } },
        body,
        ...this.request(options),
      }),
    );
  }

  /** `deleteApiToken`: the token stops working at once. */
  async delete(id: string, options?: RequestOptions): Promise<void> {
    await this.http.DELETE("/api/auth/tokens/{id}/", {
      params: { path: { id } },
      ...this.request(options),
    });
  }

  /** `duplicateApiToken`: a copy with the same scopes and expiry, and a new `key` shown once. */
  duplicate(
    id: string,
    body: DuplicateApiTokenBody = {},
    options?: RequestOptions,
  ): Promise<ApiToken> {
    return data(
      this.http.POST("/api/auth/tokens/{id}/duplicate/", {
        params: { path: { id } },
        body,
        ...this.request(options),
      }),
    );
  }

  /** `listApiTokenScopes`: the scopes a token may carry, by resource. */
  scopes(options?: RequestOptions): Promise<ApiTokenScopeCatalog> {
    return data(this.http.GET("/api/auth/tokens/scopes/", this.request(options)));
  }

  /** `listApiTokenPresets`: preset key → the scopes it stands for. */
  presets(options?: RequestOptions): Promise<ApiTokenPresetCatalog> {
    return data(this.http.GET("/api/auth/tokens/presets/", this.request(options)));
  }
}
