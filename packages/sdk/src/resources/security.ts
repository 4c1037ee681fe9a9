import { type IterateOptions, iteratePages, type Page } from "../core/pagination.js";
import { type ClientContext, data, Resource } from "../core/resource.js";
import type { RequestOptions } from "../core/transport.js";
import type { QueryOf, Schemas } from "../core/types.js";
import { mapPage } from "./shapes.js";

/**
 * Token ACLs (`/api/security/`): the commands, servers and file paths an API or service token
 * may use, deny by default. Every change grants or removes access.
 */
export type CommandAcl = Schemas["CommandAcl"];
export type CreateCommandAclBody = Schemas["CommandAclCreateRequest"];
export type UpdateCommandAclBody = Schemas["CommandAclUpdateRequest"];
export type ListCommandAclsQuery = QueryOf<"listCommandAcls">;

/** A server ACL entry; `server` is always `{ id, name? }` (a bare uuid from the API becomes one). */
export type ServerAcl = Omit<Schemas["ServerAcl"], "server"> & {
  server?: { id: string; name?: string | undefined };
};
export type CreateServerAclBody = Schemas["ServerAclCreateRequest"];
export type UpdateServerAclBody = Schemas["ServerAclUpdateRequest"];
export type ServerAclBulkBody = Schemas["ServerAclBulkRequest"];
export type ServerAclBulkDeleted = Schemas["ServerAclBulkDeleted"];
export type ListServerAclsQuery = QueryOf<"listServerAcls">;

export type FileAcl = Schemas["FileAcl"];
export type CreateFileAclBody = Schemas["FileAclCreateRequest"];
export type UpdateFileAclBody = Schemas["FileAclUpdateRequest"];
export type ListFileAclsQuery = QueryOf<"listFileAcls">;

/** `{id, name}` (the CLI's type) or a bare uuid (the MCP's fixtures): always `{id, name?}`. */
function toServerAcl(entry: Schemas["ServerAcl"]): ServerAcl {
  const { server, ...rest } = entry;
  if (server === undefined) return rest;
  return { ...rest, server: typeof server === "string" ? { id: server } : server };
}

export class CommandAcls extends Resource {
  /** One page of command ACL entries: `listCommandAcls`. */
  list(query: ListCommandAclsQuery = {}, options?: RequestOptions): Promise<Page<CommandAcl>> {
    return data(
      this.http.GET("/api/security/command-acl/", { params: { query }, ...this.request(options) }),
    );
  }

  iterate(
    query: ListCommandAclsQuery = {},
    options: IterateOptions & RequestOptions = {},
  ): AsyncGenerator<CommandAcl> {
    return iteratePages((page) => this.list(page, options), query, options);
  }

  /** `createCommandAcl`: exactly one of `token` and `service_token`. */
  create(body: CreateCommandAclBody, options?: RequestOptions): Promise<CommandAcl> {
    return data(this.http.POST("/api/security/command-acl/", { body, ...this.request(options) }));
  }

  /** `updateCommandAcl` (PATCH). */
  update(id: string, body: UpdateCommandAclBody, options?: RequestOptions): Promise<CommandAcl> {
    return data(
      this.http.PATCH("/api/security/command-acl/{id}/", {
        params: { path: { id } },
        body,
        ...this.request(options),
      }),
    );
  }

  /** `deleteCommandAcl`. */
  async delete(id: string, options?: RequestOptions): Promise<void> {
    await this.http.DELETE("/api/security/command-acl/{id}/", {
      params: { path: { id } },
      ...this.request(options),
    });
  }
}

export class ServerAcls extends Resource {
  /** One page of server ACL entries: `listServerAcls`. */
  async list(query: ListServerAclsQuery = {}, options?: RequestOptions): Promise<Page<ServerAcl>> {
    const page = await data(
      this.http.GET("/api/security/server-acl/", { params: { query }, ...this.request(options) }),
    );
    return mapPage(page, toServerAcl);
  }

  iterate(
    query: ListServerAclsQuery = {},
    options: IterateOptions & RequestOptions = {},
  ): AsyncGenerator<ServerAcl> {
    return iteratePages((page) => this.list(page, options), query, options);
  }

  /** `createServerAcl`: lets the token reach one server. */
  async create(body: CreateServerAclBody, options?: RequestOptions): Promise<ServerAcl> {
    return toServerAcl(
      await data(this.http.POST("/api/security/server-acl/", { body, ...this.request(options) })),
    );
  }

  /** `updateServerAcl` (PATCH): another server, or rebind (`token` with `service_token: null`). */
  async update(
    id: string,
    body: UpdateServerAclBody,
    options?: RequestOptions,
  ): Promise<ServerAcl> {
    return toServerAcl(
      await data(
        this.http.PATCH("/api/security/server-acl/{id}/", {
          params: { path: { id } },
          body,
          ...this.request(options),
        }),
      ),
    );
  }

  /** `deleteServerAcl`. */
  async delete(id: string, options?: RequestOptions): Promise<void> {
    await this.http.DELETE("/api/security/server-acl/{id}/", {
      params: { path: { id } },
      ...this.request(options),
    });
  }

  /** `bulkCreateServerAcls`: one entry per server (at most 100); answers the created entries. */
  async bulkCreate(body: ServerAclBulkBody, options?: RequestOptions): Promise<ServerAcl[]> {
    const created = await data(
      this.http.POST("/api/security/server-acl/bulk/", { body, ...this.request(options) }),
    );
    // The CLI ignores this answer; a server that sends none is not an error.
    return Array.isArray(created) ? created.map(toServerAcl) : [];
  }

  /** `bulkDeleteServerAcls`: the same body; answers how many entries went. */
  async bulkDelete(
    body: ServerAclBulkBody,
    options?: RequestOptions,
  ): Promise<ServerAclBulkDeleted> {
    const deleted = await data(
      this.http.POST("/api/security/server-acl/bulk/delete/", { body, ...this.request(options) }),
    );
    return deleted ?? {};
  }
}

export class FileAcls extends Resource {
  /** One page of file ACL entries: `listFileAcls`. */
  list(query: ListFileAclsQuery = {}, options?: RequestOptions): Promise<Page<FileAcl>> {
    return data(
      this.http.GET("/api/security/file-acl/", { params: { query }, ...this.request(options) }),
    );
  }

  iterate(
    query: ListFileAclsQuery = {},
    options: IterateOptions & RequestOptions = {},
  ): AsyncGenerator<FileAcl> {
    return iteratePages((page) => this.list(page, options), query, options);
  }

  /** `createFileAcl`: a path pattern (`*` matches anything) and `upload`, `download` or `*`. */
  create(body: CreateFileAclBody, options?: RequestOptions): Promise<FileAcl> {
    return data(this.http.POST("/api/security/file-acl/", { body, ...this.request(options) }));
  }

  /** `updateFileAcl` (PATCH). */
  update(id: string, body: UpdateFileAclBody, options?: RequestOptions): Promise<FileAcl> {
    return data(
      this.http.PATCH("/api/security/file-acl/{id}/", {
        params: { path: { id } },
        body,
        ...this.request(options),
      }),
    );
  }

  /** `deleteFileAcl`. */
  async delete(id: string, options?: RequestOptions): Promise<void> {
    await this.http.DELETE("/api/security/file-acl/{id}/", {
      params: { path: { id } },
      ...this.request(options),
    });
  }
}

export interface Security {
  readonly commandAcls: CommandAcls;
  readonly serverAcls: ServerAcls;
  readonly fileAcls: FileAcls;
}

export function createSecurity(context: ClientContext): Security {
  return {
    commandAcls: new CommandAcls(context),
    serverAcls: new ServerAcls(context),
    fileAcls: new FileAcls(context),
  };
}
