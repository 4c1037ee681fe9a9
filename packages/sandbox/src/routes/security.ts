import type { App, RequestContext } from "../http/app.js";
import { ApiError, nonFieldError, notFound } from "../http/errors.js";
import { type Collection, type ListSpec, queryList, UUID_RE } from "../http/list.js";
import { paginate } from "../http/pagination.js";
import { BodyReader } from "../http/validate.js";
import type { CommandAclRecord, FileAclRecord, ServerAclRecord } from "../state/acls.js";
import type { ApiTokenRecord } from "../state/api-tokens.js";
import type { WorkspaceState } from "../state/workspace.js";
import { idParam } from "./common.js";

type Entry = { id: string; tokenId: string };

/** How one ACL kind reads its fields, serialises an entry and spots a duplicate. */
interface AclKind<T extends Entry> {
  path: string;
  list: (ws: WorkspaceState) => Collection<T>;
  /** The kind's own fields of a create (all present) or update (`partial`) body. */
  read: (body: BodyReader, ctx: RequestContext, partial: boolean) => Partial<Omit<T, keyof Entry>>;
  json: (ws: WorkspaceState, entry: T) => Record<string, unknown>;
  /** Two entries of a token that may not coexist, and the refusal's words. */
  same: (a: Omit<T, "id">, b: T) => boolean;
  duplicate: string;
}

/** The caller's own API tokens: entries of anyone else's do not exist for them. */
function ownToken(ctx: RequestContext, id: string): ApiTokenRecord | undefined {
  const token = ctx.ws.apiTokens.byId.get(id);
  return token && token.userId === ctx.principal.user.id ? token : undefined;
}

function binding(ctx: RequestContext, entry: Entry): Record<string, unknown> {
  return {
    token: entry.tokenId,
    service_token: null,
    token_name: ctx.ws.apiTokens.byId.get(entry.tokenId)?.name ?? "",
  };
}

/**
 * Exactly one of `token` and `service_token` (the server checks it; the sandbox has no service
 * tokens, so one named is not found), and the token must be one of the caller's.
 */
function readBinding(body: BodyReader, ctx: RequestContext): ApiTokenRecord | undefined {
  const token = body.uuid("token", { nullable: true });
  const service = body.uuid("service_token", { nullable: true });
  if (service) body.fail("service_token", `Invalid pk "${service}" - object does not exist.`);
  if (!token && !service) {
    body.fail("non_field_errors", "Exactly one of token and service_token is required.");
    return undefined;
  }
  if (token && service) {
    body.fail("non_field_errors", "Exactly one of token and service_token is required.");
  }
  const found = token ? ownToken(ctx, token) : undefined;
  if (token && !found) body.fail("token", `Invalid pk "${token}" - object does not exist.`);
  return found;
}

function listSpec<T extends Entry>(ctx: RequestContext): ListSpec<T> {
  const byToken = { kind: "uuid" as const, get: (e: T) => e.tokenId };
  return {
    filters: {
      token: byToken,
      api_token: byToken,
      // No service tokens here: a filter on one matches nothing.
      service_token: { kind: "uuid", get: () => null },
    },
    search: (e) => `${e.id} ${ctx.ws.apiTokens.byId.get(e.tokenId)?.name ?? ""}`.toLowerCase(),
  };
}

function registerKind<T extends Entry>(app: App, kind: AclKind<T>): void {
  const mine = (ctx: RequestContext) =>
    kind
      .list(ctx.ws)
      .all()
      .filter((e) => ownToken(ctx, e.tokenId));
  const find = (ctx: RequestContext): T => {
    const entry = mine(ctx).find((e) => e.id === idParam(ctx));
    if (!entry) throw notFound();
    return entry;
  };
  const refuseDuplicate = (ctx: RequestContext, entry: Omit<T, "id">, except?: string) => {
    if (mine(ctx).some((e) => e.id !== except && kind.same(entry, e))) {
      throw new ApiError(400, [kind.duplicate]);
    }
  };
  const json = (ctx: RequestContext, e: T) => ({ ...binding(ctx, e), ...kind.json(ctx.ws, e) });
  app.route(kind.path, {
    GET: (ctx) => {
      const items = queryList(mine(ctx), ctx.query, listSpec<T>(ctx));
      return { status: 200, body: paginate(items, ctx.query, (e) => json(ctx, e)) };
    },
    POST: (ctx) => {
      const body = new BodyReader(ctx.body);
      const token = readBinding(body, ctx);
      const fields = kind.read(body, ctx, false);
      body.done();
      if (!token) throw nonFieldError("Invalid data.");
      const entry = { ...fields, tokenId: token.id } as Omit<T, "id">;
      refuseDuplicate(ctx, entry);
      const created = { ...entry, id: ctx.ws.newId() } as T;
      kind.list(ctx.ws).add(created);
      return { status: 201, body: json(ctx, created) };
    },
  });
  app.route(`${kind.path}:id/`, {
    PATCH: (ctx) => {
      const entry = find(ctx);
      const body = new BodyReader(ctx.body);
      let token: ApiTokenRecord | undefined;
      if (body.has("token") || body.has("service_token")) token = readBinding(body, ctx);
      const fields = kind.read(body, ctx, true);
      body.done();
      const next = { ...entry, ...fields, tokenId: token?.id ?? entry.tokenId };
      refuseDuplicate(ctx, next, entry.id);
      Object.assign(entry, next);
      kind.list(ctx.ws).touch();
      return { status: 200, body: json(ctx, entry) };
    },
    DELETE: (ctx) => {
      const entry = find(ctx);
      kind.list(ctx.ws).remove((e) => e.id === entry.id);
      return { status: 204 };
    },
  });
}

const runAs = (body: BodyReader) => ({
  username: body.string("username", { allowBlank: true, max: 150 }),
  groupname: body.string("groupname", { allowBlank: true, max: 150 }),
});

/** Fields that were sent, with defaults for a create. */
function given<T extends Record<string, unknown>>(
  fields: T,
  defaults: Partial<T>,
  partial: boolean,
) {
  const out: Record<string, unknown> = partial ? {} : { ...defaults };
  for (const [key, value] of Object.entries(fields)) if (value != null) out[key] = value;
  return out as Partial<T>;
}

const commandAcl: AclKind<CommandAclRecord> = {
  path: "/api/security/command-acl/",
  list: (ws) => ws.acls.command,
  read: (body, _ctx, partial) =>
    given(
      { command: body.string("command", { required: !partial, max: 1024 }), ...runAs(body) },
      { username: "", groupname: "" },
      partial,
    ) as Partial<CommandAclRecord>,
  json: (_ws, e) => ({
    id: e.id,
    command: e.command,
    username: e.username,
    groupname: e.groupname,
  }),
  same: (a, b) => a.tokenId === b.tokenId && a.command === b.command,
  duplicate: "Command ACL with this token and command already exists.",
};

const serverAcl: AclKind<ServerAclRecord> = {
  path: "/api/security/server-acl/",
  list: (ws) => ws.acls.server,
  read: (body, ctx, partial) =>
    given(
      {
        serverId: body.ref("server", (id) => ctx.ws.serverById.get(id), { required: !partial })?.id,
      },
      {},
      partial,
    ) as Partial<ServerAclRecord>,
  json: (ws, e) => ({
    id: e.id,
    server: { id: e.serverId, name: ws.serverById.get(e.serverId)?.name ?? "" },
  }),
  same: (a, b) => a.tokenId === b.tokenId && a.serverId === b.serverId,
  duplicate: "Server ACL with this token and server already exists.",
};

const FILE_ACTIONS = ["upload", "download", "*"] as const;

const fileAcl: AclKind<FileAclRecord> = {
  path: "/api/security/file-acl/",
  list: (ws) => ws.acls.file,
  read: (body, _ctx, partial) =>
    given(
      {
        path: body.string("path", { required: !partial, max: 1024 }),
        action: body.choice("action", FILE_ACTIONS, { required: !partial }),
        ...runAs(body),
      },
      { username: "", groupname: "" },
      partial,
    ) as Partial<FileAclRecord>,
  json: (_ws, e) => ({
    id: e.id,
    path: e.path,
    action: e.action,
    username: e.username,
    groupname: e.groupname,
  }),
  same: (a, b) => a.tokenId === b.tokenId && a.path === b.path && a.action === b.action,
  duplicate: "File ACL with this token, path and action already exists.",
};

/** The bulk body: one token, up to 100 servers that exist. */
function readBulk(ctx: RequestContext): { token: ApiTokenRecord; servers: string[] } {
  const body = new BodyReader(ctx.body);
  const token = readBinding(body, ctx);
  const servers = body.uuidList("servers", { required: true }) ?? [];
  if (body.has("servers") && servers.length === 0)
    body.fail("servers", "This list may not be empty.");
  if (servers.length > 100)
    body.fail("servers", "Ensure this field has no more than 100 elements.");
  const unknown = servers.filter((id) => !UUID_RE.test(id) || !ctx.ws.serverById.has(id));
  if (unknown.length > 0)
    body.fail("servers", `Invalid pk "${unknown[0]}" - object does not exist.`);
  body.done();
  if (!token) throw nonFieldError("Invalid data.");
  return { token, servers: [...new Set(servers)] };
}

export function registerSecurity(app: App): void {
  registerKind(app, commandAcl);
  registerKind(app, serverAcl);
  registerKind(app, fileAcl);
  app.route("/api/security/server-acl/bulk/", {
    POST: (ctx) => {
      const { token, servers } = readBulk(ctx);
      const list = ctx.ws.acls.server;
      const created: ServerAclRecord[] = [];
      for (const serverId of servers) {
        if (list.all().some((e) => e.tokenId === token.id && e.serverId === serverId)) continue;
        const entry = { id: ctx.ws.newId(), tokenId: token.id, serverId };
        list.add(entry);
        created.push(entry);
      }
      return {
        status: 201,
        body: created.map((e) => ({ ...binding(ctx, e), ...serverAcl.json(ctx.ws, e) })),
      };
    },
  });
  app.route("/api/security/server-acl/bulk/delete/", {
    POST: (ctx) => {
      const { token, servers } = readBulk(ctx);
      const deleted = ctx.ws.acls.server.remove(
        (e) => e.tokenId === token.id && servers.includes(e.serverId),
      );
      return { status: 200, body: { deleted } };
    },
  });
}
