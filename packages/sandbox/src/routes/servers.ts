import type { App, RequestContext } from "../http/app.js";
import { notFound } from "../http/errors.js";
import { type ListSpec, queryList } from "../http/list.js";
import { paginate } from "../http/pagination.js";
import type { ServerRecord } from "../state/model.js";
import { idParam } from "./common.js";
import { serverJson } from "./serialize/servers.js";

/** `oss:servers/api/views.py` ServerViewSet: filterset, search fields and ordering. */
const SERVER_LIST: ListSpec<ServerRecord> = {
  filters: {
    name: { kind: "exact", get: (s) => s.name },
    version: { kind: "exact", get: (s) => s.agentVersion },
    enabled: { kind: "bool", get: () => true },
    commissioned: { kind: "bool", get: (s) => s.commissioned },
    starred: { kind: "bool", get: (s) => s.starred },
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
      const items = queryList(ctx.ws.servers, ctx.query, SERVER_LIST);
      return { status: 200, body: paginate(items, ctx.query, (s) => serverJson(ctx.ws, s)) };
    },
  });
  app.route("/api/servers/servers/:id/", {
    GET: (ctx) => {
      const server = ctx.ws.serverById.get(idParam(ctx));
      if (!server) throw notFound();
      return { status: 200, body: serverJson(ctx.ws, server, true) };
    },
  });
}
