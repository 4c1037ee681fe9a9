import type { App, RequestContext } from "../http/app.js";
import { notFound } from "../http/errors.js";
import { type ListSpec, queryList } from "../http/list.js";
import { paginate } from "../http/pagination.js";
import type { EventRecord } from "../state/model.js";
import { idParam } from "./common.js";
import { eventJson } from "./serialize/events.js";

const EVENT_LIST: ListSpec<EventRecord> = {
  filters: {
    server: { kind: "uuid", get: (e) => e.server },
    reporter: { kind: "exact", get: (e) => e.reporter },
  },
  search: (e) => e.searchText,
  ordering: {
    added_at: (e) => e.added_at,
    updated_at: (e) => e.updated_at,
    count: (e) => e.count,
    record: (e) => e.record,
    reporter: (e) => e.reporter,
  },
  defaultOrdering: ["-added_at"],
};

export function registerEvents(app: App): void {
  app.route("/api/events/events/", {
    GET: (ctx: RequestContext) => {
      const items = queryList(ctx.ws.events().list, ctx.query, EVENT_LIST);
      return { status: 200, body: paginate(items, ctx.query, (e) => eventJson(ctx.ws, e)) };
    },
  });
  app.route("/api/events/events/:id/", {
    GET: (ctx) => {
      const event = ctx.ws.events().byId.get(idParam(ctx));
      if (!event) throw notFound();
      return { status: 200, body: eventJson(ctx.ws, event, true) };
    },
  });
}
