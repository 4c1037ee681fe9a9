import { type IterateOptions, iteratePages, type Page } from "../core/pagination.js";
import { data, Resource } from "../core/resource.js";
import type { RequestOptions } from "../core/transport.js";
import type { QueryOf, Schemas } from "../core/types.js";

export type IamUser = Schemas["IamUser"];
export type IamGroup = Schemas["IamGroup"];
export type IamMembership = Schemas["IamMembership"];
export type IamRole = Schemas["IamRole"];
export type IamPermission = Schemas["IamPermission"];
export type CreateIamUserBody = Schemas["IamUserCreateRequest"];
export type UpdateIamUserBody = Schemas["IamUserUpdateRequest"];

export class IamUsers extends Resource {
  /** `listIamUsers`. */
  list(query: QueryOf<"listIamUsers"> = {}, options?: RequestOptions): Promise<Page<IamUser>> {
    return data(this.http.GET("/api/iam/users/", { params: { query }, ...this.request(options) }));
  }

  iterate(
    query: QueryOf<"listIamUsers"> = {},
    options: IterateOptions & RequestOptions = {},
  ): AsyncGenerator<IamUser> {
    return iteratePages((page) => this.list(page, options), query, options);
  }

  /** `getIamUser`; the id `-` means the token's own user. */
  get(id: string, options?: RequestOptions): Promise<IamUser> {
    return data(
      this.http.GET("/api/iam/users/{id}/", { params: { path: { id } }, ...this.request(options) }),
    );
  }

  /** `createIamUser`. */
  create(body: CreateIamUserBody, options?: RequestOptions): Promise<IamUser> {
    return data(this.http.POST("/api/iam/users/", { body, ...this.request(options) }));
  }

  /** `updateIamUser` (PATCH: only the given fields change). */
  update(id: string, body: UpdateIamUserBody, options?: RequestOptions): Promise<IamUser> {
    return data(
      this.http.PATCH("/api/iam/users/{id}/", {
        params: { path: { id } },
        body,
        ...this.request(options),
      }),
    );
  }

  /** `deleteIamUser`. */
  async delete(id: string, options?: RequestOptions): Promise<void> {
    await this.http.DELETE("/api/iam/users/{id}/", {
      params: { path: { id } },
      ...this.request(options),
    });
  }

  /** `getIamUserPermissions`. */
  permissions(id: string, options?: RequestOptions): Promise<Schemas["IamUserPermissions"]> {
    return data(
      this.http.GET("/api/iam/users/{id}/permissions/", {
        params: { path: { id } },
        ...this.request(options),
      }),
    );
  }

  /** `assignIamUserRole`. */
  assignRole(
    id: string,
    roleId: string,
    options?: RequestOptions,
  ): Promise<Schemas["IamRoleAssignment"]> {
    return data(
      this.http.POST("/api/iam/users/{id}/roles/", {
        params: { path: { id } },
        body: { role_id: roleId },
        ...this.request(options),
      }),
    );
  }
}

export class IamGroups extends Resource {
  /** `listIamGroups`. */
  list(query: QueryOf<"listIamGroups"> = {}, options?: RequestOptions): Promise<Page<IamGroup>> {
    return data(this.http.GET("/api/iam/groups/", { params: { query }, ...this.request(options) }));
  }

  iterate(
    query: QueryOf<"listIamGroups"> = {},
    options: IterateOptions & RequestOptions = {},
  ): AsyncGenerator<IamGroup> {
    return iteratePages((page) => this.list(page, options), query, options);
  }

  /** `getIamGroup`. */
  get(id: string, options?: RequestOptions): Promise<IamGroup> {
    return data(
      this.http.GET("/api/iam/groups/{id}/", {
        params: { path: { id } },
        ...this.request(options),
      }),
    );
  }

  /** `createIamGroup`. */
  create(body: Schemas["IamGroupCreateRequest"], options?: RequestOptions): Promise<IamGroup> {
    return data(this.http.POST("/api/iam/groups/", { body, ...this.request(options) }));
  }
}

export class IamMemberships extends Resource {
  /**
   * `listIamMemberships`. Some servers answer a bare array here; it is returned as a
   * single page so callers handle one shape.
   */
  async list(
    query: QueryOf<"listIamMemberships"> = {},
    options?: RequestOptions,
  ): Promise<Page<IamMembership>> {
    const result = await data(
      this.http.GET("/api/iam/memberships/", { params: { query }, ...this.request(options) }),
    );
    if (!Array.isArray(result)) return result;
    return {
      count: result.length,
      current: 1,
      next: null,
      previous: null,
      last: 1,
      results: result,
    };
  }

  /** `createIamMembership`. */
  create(
    body: Schemas["IamMembershipCreateRequest"],
    options?: RequestOptions,
  ): Promise<IamMembership> {
    return data(this.http.POST("/api/iam/memberships/", { body, ...this.request(options) }));
  }

  /** `deleteIamMembership`. */
  async delete(id: string, options?: RequestOptions): Promise<void> {
    await this.http.DELETE("/api/iam/memberships/{id}/", {
      params: { path: { id } },
      ...this.request(options),
    });
  }
}

/** Roles and permissions; real workspaces may answer 404 here (see openapi/README.md). */
export class IamRoles extends Resource {
  /** `listIamRoles`. */
  list(query: QueryOf<"listIamRoles"> = {}, options?: RequestOptions): Promise<Page<IamRole>> {
    return data(this.http.GET("/api/iam/roles/", { params: { query }, ...this.request(options) }));
  }
}

export class IamPermissions extends Resource {
  /** `listIamPermissions`. */
  list(
    query: QueryOf<"listIamPermissions"> = {},
    options?: RequestOptions,
  ): Promise<Page<IamPermission>> {
    return data(
      this.http.GET("/api/iam/permissions/", { params: { query }, ...this.request(options) }),
    );
  }
}
