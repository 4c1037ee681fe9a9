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
  webshAnalysisJson,
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

/** An analysis of either kind (work session or websh session), as the list shows it. */
interface AnalysisView {
  id: string;
  at: number;
  servers: readonly string[];
  status: string;
  risk: string;
  json: () => unknown;
}

const analysisSpec: ListSpec<AnalysisView> = {
  filters: {
    server: { kind: "uuid", get: (a) => a.servers },
    status: { kind: "exact", get: (a) => a.status },
    risk_score: { kind: "exact", get: (a) => a.risk },
  },
};

/** The analyses the caller may see, newest first. */
function analysesOf(ctx: RequestContext): AnalysisView[] {
  const ws = ctx.ws;
  const ofWork = ws.workSessions.analyses
    .filter((a: WorkSessionAnalysis) => {
      const session = ws.workSessions.get(a.workSession);
      return session !== undefined && workSessionVisible(ctx, session);
    })
    .map((a) => ({
      id: a.id,
      at: a.addedAt,
      servers: a.summary.servers,
      status: a.status,
      risk: riskOf(a),
      json: () => sessionAnalysisJson(ws, a),
    }));
  const ofWebsh = ws.audit.webshAnalyses
    .filter((a) => isStaff(ctx) || a.userId === ctx.principal.user.id)
    .map((a) => ({
      id: a.id,
      at: a.addedAt,
      servers: [a.serverId],
      status: "completed",
      risk: a.risk,
      json: () => webshAnalysisJson(ws, a),
    }));
  return [...ofWork, ...ofWebsh].sort((a, b) => b.at - a.at);
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
  app.route("/api/websh/sessions/:id/analyze/", {
    POST: (ctx) => {
      const session = findSession(ctx);
      if (session.closedAt === null) {
        throw new ApiError(400, { detail: "Only closed sessions can be analyzed." });
      }
      const body = { session: session.id };
      if (ctx.ws.audit.webshAnalysisBySession.has(session.id)) {
        return { status: 200, body: { status: "already_exists", ...body } };
      }
      if (session.records.length === 0) return { status: 204 };
      ctx.ws.audit.analyzeWebsh(session, ctx.ws.newId());
      return { status: 202, body: { status: "accepted", ...body } };
    },
  });
  app.route("/api/websh/sessions/:id/analysis/", {
    GET: (ctx) => {
      const session = findSession(ctx);
      const analysis = ctx.ws.audit.webshAnalysisBySession.get(session.id);
      if (!analysis) throw notFound();
      return { status: 200, body: webshAnalysisJson(ctx.ws, analysis) };
    },
  });
  app.route("/api/history/session-analyses/", {
    GET: (ctx) => {
      const items = queryList(analysesOf(ctx), ctx.query, analysisSpec);
      return { status: 200, body: paginate(items, ctx.query, (a) => a.json()) };
    },
  });
  app.route("/api/history/session-analyses/:id/", {
    GET: (ctx) => {
      const analysis = analysesOf(ctx).find((a) => a.id === ctx.params.id);
      if (!analysis) throw notFound();
      return { status: 200, body: analysis.json() };
    },
  });
}
