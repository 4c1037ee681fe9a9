import type { App, RequestContext } from "../http/app.js";
import { ApiError, fieldErrors, notFound } from "../http/errors.js";
import { type ListSpec, queryList } from "../http/list.js";
import { DEFAULT_PAGE_SIZE, pageSizeFrom, paginate } from "../http/pagination.js";
import type { ActivityEntry, ServerLogEntry, WebftpLogEntry } from "../state/audit.js";
import type { WorkSessionAnalysis } from "../state/work-sessions.js";
import { isStaff } from "./common.js";
import {
  activityJson,
  activityWords,
  recordJson,
  riskOf,
  serverLogJson,
  sessionAnalysisJson,
  webftpLogJson,
} from "./serialize/audit.js";
import { findSession } from "./websh.js";
import { visible as workSessionVisible } from "./work-sessions.js";

const invalidCursor = (): ApiError => new ApiError(404, { detail: "Invalid cursor" });

/** The token of the page after `seq`, in the form of the CLI's fixture (`{"s":[1],"d":"after"}`). */
function cursorAfter(seq: number): string {
  return Buffer.from(JSON.stringify({ s: [seq], d: "after" })).toString("base64url");
}

function seqOfCursor(raw: string): number {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
  } catch {
    throw invalidCursor();
  }
  const s = (parsed as { s?: unknown } | null)?.s;
  const seq = Array.isArray(s) ? s[0] : undefined;
  if (typeof seq !== "number" || !Number.isInteger(seq) || seq < 0) throw invalidCursor();
  return seq;
}

/**
 * One page of a history list, in the workspace's envelope: the cursor one (`next` is the token
 * of the following page, null on the last; `page` is ignored) or the reference MCP's
 * `{results, count}` paged by `page`. Items are newest first, or oldest first when `ascending`
 * (a terminal recording is played forward).
 */
function historyPage<T extends { seq: number }>(
  ctx: RequestContext,
  items: readonly T[],
  serialize: (item: T) => unknown,
  ascending = false,
): { status: number; body: unknown } {
  if (ctx.ws.variants.historyList === "count") {
    const { count, results } = paginate(items, ctx.query, serialize);
    return { status: 200, body: { results, count } };
  }
  const size = pageSizeFrom(ctx.query.get("page_size"), DEFAULT_PAGE_SIZE);
  const cursor = ctx.query.get("cursor");
  let start = 0;
  if (cursor !== null && cursor !== "") {
    const after = seqOfCursor(cursor);
    start = items.findIndex((item) => (ascending ? item.seq > after : item.seq < after));
    if (start === -1) start = items.length;
  }
  const slice = items.slice(start, start + size);
  const last = slice.at(-1);
  const next = last !== undefined && start + size < items.length ? cursorAfter(last.seq) : null;
  return { status: 200, body: { next, results: slice.map(serialize) } };
}

/** Staff read every entry; others their own (as websh and webftp records). */
function mine<T>(ctx: RequestContext, items: T[], userOf: (item: T) => string): T[] {
  if (isStaff(ctx)) return items;
  const me = ctx.principal.user.id;
  return items.filter((item) => userOf(item) === me);
}

const activitySpec: ListSpec<ActivityEntry> = {
  filters: {
    user: { kind: "uuid", get: (e) => e.userId },
    app: { kind: "exact", get: (e) => activityWords(e).app },
    model: { kind: "exact", get: (e) => activityWords(e).model },
  },
};

const serverLogSpec: ListSpec<ServerLogEntry> = {
  filters: { server: { kind: "uuid", get: (e) => e.serverId } },
};

const webftpLogSpec: ListSpec<WebftpLogEntry> = {
  filters: {
    server: { kind: "uuid", get: (e) => e.transfer.serverId },
    user: { kind: "uuid", get: (e) => e.transfer.userId },
    action: { kind: "exact", get: (e) => e.transfer.kind },
  },
};

const analysisSpec: ListSpec<WorkSessionAnalysis> = {
  filters: {
    server: { kind: "uuid", get: (a) => a.summary.servers },
    status: { kind: "exact", get: (a) => a.status },
    risk_score: { kind: "exact", get: (a) => riskOf(a) },
  },
};

function analysesOf(ctx: RequestContext): WorkSessionAnalysis[] {
  return ctx.ws.workSessions.analyses.filter((a) => {
    const session = ctx.ws.workSessions.get(a.workSession);
    return session !== undefined && workSessionVisible(ctx, session);
  });
}

export function registerAudit(app: App): void {
  app.route("/api/audit/activity/", {
    GET: (ctx) => {
      const all = mine(ctx, ctx.ws.audit.activity.newestFirst(), (e) => e.userId);
      const items = queryList(all, ctx.query, activitySpec);
      return historyPage(ctx, items, (e) => activityJson(ctx.ws, e));
    },
  });
  app.route("/api/audit/activity/:id/", {
    GET: (ctx) => {
      const id = ctx.params.id ?? "";
      const entry = /^\d+$/.test(id)
        ? mine(ctx, ctx.ws.audit.activity.newestFirst(), (e) => e.userId).find(
            (e) => e.seq === Number(id),
          )
        : undefined;
      if (!entry) throw notFound();
      return { status: 200, body: activityJson(ctx.ws, entry) };
    },
  });
  app.route("/api/history/logs/", {
    GET: (ctx) => {
      const items = queryList(ctx.ws.audit.serverLogs.newestFirst(), ctx.query, serverLogSpec);
      return historyPage(ctx, items, (e) => serverLogJson(ctx.ws, e));
    },
  });
  app.route("/api/history/webftp-logs/", {
    GET: (ctx) => {
      const all = mine(ctx, ctx.ws.audit.webftpLogs.newestFirst(), (e) => e.transfer.userId);
      const items = queryList(all, ctx.query, webftpLogSpec);
      return historyPage(ctx, items, (e) => webftpLogJson(ctx.ws, e));
    },
  });
  app.route("/api/websh/sessions/:id/records/", {
    GET: (ctx) => {
      const session = findSession(ctx);
      return historyPage(ctx, session.records, (r) => recordJson(r), true);
    },
  });
  app.route("/api/websh/sessions/:id/search/", {
    GET: (ctx) => {
      const session = findSession(ctx);
      const q = ctx.query.get("q");
      if (q === null || q === "") throw fieldErrors({ q: ["This field is required."] });
      const wanted = q.toLowerCase();
      const found = session.records.filter((r) => r.text.toLowerCase().includes(wanted));
      return historyPage(ctx, found, (r) => recordJson(r), true);
    },
  });
  app.route("/api/history/session-analyses/", {
    GET: (ctx) => {
      const newest = analysesOf(ctx).reverse();
      const items = queryList(newest, ctx.query, analysisSpec);
      return {
        status: 200,
        body: paginate(items, ctx.query, (a) => sessionAnalysisJson(ctx.ws, a)),
      };
    },
  });
  app.route("/api/history/session-analyses/:id/", {
    GET: (ctx) => {
      const analysis = analysesOf(ctx).find((a) => a.id === ctx.params.id);
      if (!analysis) throw notFound();
      return { status: 200, body: sessionAnalysisJson(ctx.ws, analysis) };
    },
  });
}
