import { type IterateOptions, iteratePages, type Page } from "../core/pagination.js";
import { data, Resource } from "../core/resource.js";
import type { RequestOptions } from "../core/transport.js";
import type { QueryOf, Schemas } from "../core/types.js";

export type RegistrationToken = Schemas["RegistrationToken"];
export type ListRegistrationTokensQuery = QueryOf<"listRegistrationTokens">;
export type CreateRegistrationTokenBody = Schemas["RegistrationTokenCreateRequest"];
export type TokenInstallGuide = Schemas["TokenInstallGuide"];
export type AnsibleInstallGuide = Schemas["AnsibleInstallGuide"];
export type RegistrationPlatform = Schemas["RegistrationGuideRequest"]["platform"];

export interface InstallGuideParams {
  platform: RegistrationPlatform;
  /** The registration token's id (from `list` or `create`). */
  token: string;
  /** Name the new server registers with. */
  serverName?: string;
}

/**
 * The guide's body. The CLI names the token `registration_token`, the MCP `token` (both its id);
 * which one the server reads is not known, so both carry it (DRF ignores the other).
 */
function guideBody(params: InstallGuideParams): Schemas["RegistrationGuideRequest"] {
  return {
    platform: params.platform,
    registration_token: params.token,
    token: params.token,
    ...(params.serverName ? { server_name: params.serverName } : {}),
  };
}

const JSON_GUIDE = { response_type: "json" } as const;

/** Tokens that enrol new hosts, and the install commands that use them. */
export class RegistrationTokens extends Resource {
  /** One page of registration tokens (never their keys): `listRegistrationTokens`. */
  list(
    query: ListRegistrationTokensQuery = {},
    options?: RequestOptions,
  ): Promise<Page<RegistrationToken>> {
    return data(
      this.http.GET("/api/servers/registration-tokens/", {
        params: { query },
        ...this.request(options),
      }),
    );
  }

  iterate(
    query: ListRegistrationTokensQuery = {},
    options: IterateOptions & RequestOptions = {},
  ): AsyncGenerator<RegistrationToken> {
    return iteratePages((page) => this.list(page, options), query, options);
  }

  /** `createRegistrationToken`: the answer's `key` is the only time the secret is shown. */
  create(body: CreateRegistrationTokenBody, options?: RequestOptions): Promise<RegistrationToken> {
    return data(
      this.http.POST("/api/servers/registration-tokens/", { body, ...this.request(options) }),
    );
  }

  /** `deleteRegistrationToken`: no new host can enrol with it; enrolled ones keep working. */
  async delete(id: string, options?: RequestOptions): Promise<void> {
    await this.http.DELETE("/api/servers/registration-tokens/{id}/", {
      params: { path: { id } },
      ...this.request(options),
    });
  }

  /** `getTokenInstallGuide`: install and register commands, with the token's key filled in. */
  installGuide(params: InstallGuideParams, options?: RequestOptions): Promise<TokenInstallGuide> {
    return data(
      this.http.POST("/api/servers/registration-methods/token-install/guide/", {
        params: { query: JSON_GUIDE },
        body: guideBody(params),
        ...this.request(options),
      }),
    );
  }

  /** `getAnsibleInstallGuide`: the Ansible collection, inventory and playbook snippets. */
  ansibleGuide(params: InstallGuideParams, options?: RequestOptions): Promise<AnsibleInstallGuide> {
    return data(
      this.http.POST("/api/servers/registration-methods/ansible/guide/", {
        params: { query: JSON_GUIDE },
        body: guideBody(params),
        ...this.request(options),
      }),
    );
  }
}
