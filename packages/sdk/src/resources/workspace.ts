import { data, Resource } from "../core/resource.js";
import type { RequestOptions } from "../core/transport.js";
import type { Schemas } from "../core/types.js";
import type { IamUser } from "./iam.js";

export type WorkspaceAccessControl = Schemas["WorkspaceAccessControl"];
export type WorkspaceSecurity = Schemas["WorkspaceSecurity"];
export type WorkspaceMfaMethods = Schemas["WorkspaceMfaMethods"];
export type WorkspacePreferences = Schemas["WorkspacePreferences"];
export type UpdateWorkspacePreferencesBody = Schemas["WorkspacePreferencesUpdateRequest"];

/** The workspace-wide preferences (`/api/workspaces/preferences/-/`). */
export class WorkspacePreferencesResource extends Resource {
  /** `getWorkspacePreferences`. */
  get(options?: RequestOptions): Promise<WorkspacePreferences> {
    return data(this.http.GET("/api/workspaces/preferences/-/", this.request(options)));
  }

  /**
   * `updateWorkspacePreferences` (PATCH: only the given fields change). The list fields
   * (`enabled_extensions`, `allowed_domains`) replace the whole list: read, merge, then send.
   */
  update(
    body: UpdateWorkspacePreferencesBody,
    options?: RequestOptions,
  ): Promise<WorkspacePreferences> {
    return data(
      this.http.PATCH("/api/workspaces/preferences/-/", { body, ...this.request(options) }),
    );
  }
}

/**
 * The workspace the client is bound to: who the token is, and the workspace-wide settings. The
 * security and MFA-method views answer browser (JWT) sessions only; an API token gets a
 * `PermissionDeniedError` there, as from the real server.
 */
export class Workspaces extends Resource {
  readonly preferences = new WorkspacePreferencesResource(this.context);

  /** The token's own user (`getIamUser` with the id `-`). */
  me(options?: RequestOptions): Promise<IamUser> {
    return data(
      this.http.GET("/api/iam/users/{id}/", {
        params: { path: { id: "-" } },
        ...this.request(options),
      }),
    );
  }

  /** `getWorkspaceAccessControl`: sudo and root policy, tunnel/editor defaults, work-session TTLs. */
  accessControl(options?: RequestOptions): Promise<WorkspaceAccessControl> {
    return data(this.http.GET("/api/workspaces/access-control/-/", this.request(options)));
  }

  /** `getWorkspaceSecurity`: whether MFA is required, for which actions, and the allowed methods. */
  security(options?: RequestOptions): Promise<WorkspaceSecurity> {
    return data(this.http.GET("/api/workspaces/security/-/", this.request(options)));
  }

  /** `listWorkspaceMfaMethods`. */
  mfaMethods(options?: RequestOptions): Promise<WorkspaceMfaMethods> {
    return data(this.http.GET("/api/workspaces/security/-/mfa-methods/", this.request(options)));
  }
}
