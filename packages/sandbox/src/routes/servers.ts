import type { App, RequestContext } from "../http/app.js";
import { notFound } from "../http/errors.js";
import { type ListSpec, queryList } from "../http/list.js";
import { paginate } from "../http/pagination.js";
import type { ServerRecord } from "../state/model.js";
import { idParam } from "./common.js";
import { serverJson } from "./serialize/servers.js";
import { unregisterServer, updateServer } from "./server-admin.js";

/** `oss:servers/api/views.py` ServerViewSet: filterset, search fields and ordering. */
const SERVER_LIST: ListSpec<ServerRecord> = {
  filters: {
    name: { kind: "exact", get: (s) => s.name },
    version: { kind: "exact", get: (s) => s.agentVersion },
    enabled: { kind: "bool", get: () => true },
    commissioned: { kind: "bool", get: (s) => s.commissioned },
    owner: { kind: "uuid", get: (s) => s.ownerId },
    groups: { kind: "uuid", get: (s) => s.groupIds },
  },
  search: (s) => s.searchText,
  ordering: {
    name: (s) => s.name,
    commissioned: (s) => s.commissioned,
    version: (s) => s.agentVersion,
    osquery_version: (s) => s.osqueryVersion,
    load: (s) => s.load,
    started_at: (s) => s.startedAt,
    owner: (s) => s.ownerId,
  },
  defaultOrdering: ["name"],
};

export function registerServers(app: App): void {
  app.route("/api/servers/servers/", {
    GET: (ctx: RequestContext) => {
      const stars = ctx.ws.starsOf(ctx.principal.user.id);
      // Stars are the caller's own, so their filter is built per request.
      const spec: ListSpec<ServerRecord> = {
        ...SERVER_LIST,
        filters: { ...SERVER_LIST.filters, starred: { kind: "bool", get: (s) => stars.has(s.id) } },
      };
      const items = queryList(ctx.ws.servers, ctx.query, spec);
      return {
        status: 200,
        body: paginate(items, ctx.query, (s) => serverJson(ctx.ws, s, false, stars)),
      };
    },
  });
  app.route("/api/servers/servers/:id/", {
    GET: (ctx) => {
      const server = ctx.ws.serverById.get(idParam(ctx));
      if (!server) throw notFound();
      const stars = ctx.ws.starsOf(ctx.principal.user.id);
      return { status: 200, body: serverJson(ctx.ws, server, true, stars) };
    },
    PATCH: updateServer,
    DELETE: unregisterServer,
  });
}
