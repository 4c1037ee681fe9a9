import { type IterateOptions, iteratePages, type Page } from "../core/pagination.js";
import { data, Resource } from "../core/resource.js";
import type { RequestOptions } from "../core/transport.js";
import type { QueryOf, Schemas } from "../core/types.js";

export type IamUser = Schemas["IamUser"];
export type IamGroup = Schemas["IamGroup"];
export type MembershipRole = Schemas["MembershipRole"];
/**
 * A user's role in a group. `user` is always the nested summary: servers that send a bare uuid
 * with `user_name` (the 2024 server) are normalised to it; `email` is then absent.
 */
export type IamMembership = Omit<Schemas["IamMembership"], "user"> & {
  user: { id: string; name: string; email?: string };
};
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

  /** `updateIamGroup` (managers and owners of the group; `servers` replaces the list). */
  update(id: string, body: UpdateIamGroupBody, options?: RequestOptions): Promise<IamGroup> {
    return data(
      this.http.PATCH("/api/iam/groups/{id}/", {
        params: { path: { id } },
        body,
        ...this.request(options),
      }),
    );
  }

  /** `deleteIamGroup` (owners): its memberships, and the access they gave, go with it. */
  async delete(id: string, options?: RequestOptions): Promise<void> {
    await this.http.DELETE("/api/iam/groups/{id}/", {
      params: { path: { id } },
      ...this.request(options),
    });
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
    if (!Array.isArray(result)) return { ...result, results: result.results.map(normalize) };
    return {
      count: result.length,
      current: 1,
      next: null,
      previous: null,
      last: 1,
      results: result.map(normalize),
    };
  }

  iterate(
    query: QueryOf<"listIamMemberships"> = {},
    options: IterateOptions & RequestOptions = {},
  ): AsyncGenerator<IamMembership> {
    return iteratePages((page) => this.list(page, options), query, options);
  }

  /** `getIamMembership`. */
  async get(id: string, options?: RequestOptions): Promise<IamMembership> {
    return normalize(
      await data(
        this.http.GET("/api/iam/memberships/{id}/", {
          params: { path: { id } },
          ...this.request(options),
        }),
      ),
    );
  }

  /** `createIamMembership`: adds a user to a group (role `member` unless given). */
  async create(
    body: Schemas["IamMembershipCreateRequest"],
    options?: RequestOptions,
  ): Promise<IamMembership> {
    return normalize(
      await data(this.http.POST("/api/iam/memberships/", { body, ...this.request(options) })),
    );
  }

  /** `updateIamMembership`: changes the member's role (group owners and superusers only). */
  async update(
    id: string,
    body: Schemas["IamMembershipUpdateRequest"],
    options?: RequestOptions,
  ): Promise<IamMembership> {
    return normalize(
      await data(
        this.http.PATCH("/api/iam/memberships/{id}/", {
          params: { path: { id } },
          body,
          ...this.request(options),
        }),
      ),
    );
  }

  /** `deleteIamMembership`. */
  async delete(id: string, options?: RequestOptions): Promise<void> {
    await this.http.DELETE("/api/iam/memberships/{id}/", {
      params: { path: { id } },
      ...this.request(options),
    });
  }
}

function normalize(raw: Schemas["IamMembership"]): IamMembership {
  if (typeof raw.user !== "string") return raw as IamMembership;
  const { user, user_name, ...rest } = raw;
  return { ...rest, user: { id: user, name: user_name ?? "" } };
}

export interface MembershipRoleInfo {
  role: MembershipRole;
  /** One line a person can read. */
  summary: string;
  /** What the role allows, each item a sentence; a role also has everything the ones before it allow. */
  allows: readonly string[];
}

/**
 * Alpacon's access model has no role or permission endpoints: access comes from a user's role in
 * each group (the group's servers), the `is_staff`/`is_superuser` flags, and an API token's ACL.
 * What each role allows, as the 2024 open-source server enforces it
 * (`alpacon-server@4ac35c6`: `servers/models.py` `Server.has_access`, `iam/api/permissions.py`,
 * `iam/api/views.py`); the SaaS may refine it.
 */
export const MEMBERSHIP_ROLES: readonly MembershipRoleInfo[] = [
  {
    role: "member",
    summary: "uses the group's servers as their own account",
    allows: [
      "see the group's servers",
      "run commands, open websh sessions and transfer files on the group's servers as their own system account (not root or other accounts)",
      "leave the group",
    ],
  },
  {
    role: "manager",
    summary: "a member who also administers the group's servers and members",
    allows: [
      "everything a member may do",
      "act as any account on the group's servers, root included",
      "edit the group",
      "add and remove members (role member)",
    ],
  },
  {
    role: "owner",
    summary: "a manager who also controls the group itself",
    allows: [
      "everything a manager may do",
      "add and remove managers and owners, and change members' roles",
      "delete the group",
    ],
  },
];

export interface AccountFlagInfo {
  flag: "is_staff" | "is_superuser";
  summary: string;
  allows: readonly string[];
}

/** What the user flags allow, from the same sources as `MEMBERSHIP_ROLES`. */
export const ACCOUNT_FLAGS: readonly AccountFlagInfo[] = [
  {
    flag: "is_staff",
    summary: "staff: administers the workspace",
    allows: [
      "see every server and act as any account on it, root included",
      "create users and groups, and change or delete users who are not staff",
      "edit any server and any note that is not private",
    ],
  },
  {
    flag: "is_superuser",
    summary: "superuser: every permission",
    allows: [
      "everything staff may do",
      "grant or remove staff and superuser rights, and delete staff users",
      "add, change and remove any membership in any group",
    ],
  },
];

export type IamApplication = Schemas["IamApplication"];
export type ApplicationSystemUser = Schemas["ApplicationSystemUser"];
export type ApplicationServiceType = Schemas["ApplicationServiceType"];
export type CreateIamApplicationBody = Schemas["IamApplicationCreateRequest"];
export type UpdateIamApplicationBody = Schemas["IamApplicationUpdateRequest"];
export type UpdateIamGroupBody = Schemas["IamGroupUpdateRequest"];

/** Machine service accounts and the system users (OS accounts on servers) they run as. */
export class IamApplications extends Resource {
  /** `listIamApplications`. */
  list(
    query: QueryOf<"listIamApplications"> = {},
    options?: RequestOptions,
  ): Promise<Page<IamApplication>> {
    return data(
      this.http.GET("/api/iam/applications/", { params: { query }, ...this.request(options) }),
    );
  }

  iterate(
    query: QueryOf<"listIamApplications"> = {},
    options: IterateOptions & RequestOptions = {},
  ): AsyncGenerator<IamApplication> {
    return iteratePages((page) => this.list(page, options), query, options);
  }

  /** `getIamApplication`. */
  get(id: string, options?: RequestOptions): Promise<IamApplication> {
    return data(
      this.http.GET("/api/iam/applications/{id}/", {
        params: { path: { id } },
        ...this.request(options),
      }),
    );
  }

  /** `createIamApplication` (`service_type` defaults to `integration`). */
  create(body: CreateIamApplicationBody, options?: RequestOptions): Promise<IamApplication> {
    return data(this.http.POST("/api/iam/applications/", { body, ...this.request(options) }));
  }

  /** `updateIamApplication` (PATCH: only the given fields change). */
  update(
    id: string,
    body: UpdateIamApplicationBody,
    options?: RequestOptions,
  ): Promise<IamApplication> {
    return data(
      this.http.PATCH("/api/iam/applications/{id}/", {
        params: { path: { id } },
        body,
        ...this.request(options),
      }),
    );
  }

  /** `deleteIamApplication`. */
  async delete(id: string, options?: RequestOptions): Promise<void> {
    await this.http.DELETE("/api/iam/applications/{id}/", {
      params: { path: { id } },
      ...this.request(options),
    });
  }

  /** `assignApplicationSystemUsers`: binds system users (ids from `system.users`); answers them. */
  assignSystemUsers(
    id: string,
    systemUserIds: readonly string[],
    options?: RequestOptions,
  ): Promise<ApplicationSystemUser[]> {
    return data(
      this.http.POST("/api/iam/applications/{id}/system-users/", {
        params: { path: { id } },
        body: { system_user_ids: [...systemUserIds] },
        ...this.request(options),
      }),
    );
  }

  /** `unassignApplicationSystemUsers`: answers how many were bound and are released. */
  unassignSystemUsers(
    id: string,
    systemUserIds: readonly string[],
    options?: RequestOptions,
  ): Promise<Schemas["ApplicationSystemUsersUnassigned"]> {
    return data(
      this.http.POST("/api/iam/applications/{id}/system-users/unassign/", {
        params: { path: { id } },
        body: { system_user_ids: [...systemUserIds] },
        ...this.request(options),
      }),
    );
  }
}

/** Invitations to join the workspace (SaaS deployments). */
export class WorkspaceInvites extends Resource {
  /**
   * `inviteWorkspaceUser`: emails an invitation; the invitee needs no IAM user yet. Answers the
   * server's message (`detail` may be a string or a list of them; normalised to a list).
   */
  async create(
    body: Schemas["WorkspaceInviteRequest"],
    options?: RequestOptions,
  ): Promise<{ email: string; detail: string[] }> {
    const result = await data(
      this.http.POST("/api/workspaces/users/invite/", { body, ...this.request(options) }),
    );
    const detail = result?.detail;
    return {
      email: body.email,
      detail: detail === undefined ? [] : Array.isArray(detail) ? detail : [detail],
    };
  }
}
