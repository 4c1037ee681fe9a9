import type { App, RequestContext } from "../http/app.js";
import { ApiError, coded, notFound, permissionDenied } from "../http/errors.js";
import { type ListSpec, queryList } from "../http/list.js";
import { paginate } from "../http/pagination.js";
import { BodyReader } from "../http/validate.js";
import type { ServerRecord } from "../state/model.js";
import {
  type SudoPolicyRecord,
  type TimelineEntry,
  TransitionError,
  WORK_SESSION_SCOPES,
  type WorkSessionRecord,
  type WorkSessionStatus,
} from "../state/work-sessions.js";
import type { WorkspaceState } from "../state/workspace.js";
import { type GateSource, idParam, isStaff, requireHumanReviewer } from "./common.js";
import { timelineItemJson, workSessionJson } from "./serialize/work-sessions.js";

const STATUSES: readonly WorkSessionStatus[] = [
  "pending",
  "approved",
  "active",
  "completed",
  "rejected",
  "cancelled",
  "expired",
  "revoked",
];

const choiceError = (value: string) =>
  `Select a valid choice. ${value} is not one of the available choices.`;

function sessionSpec(): ListSpec<WorkSessionRecord> {
  const choice = (
    name: string,
    allowed: readonly string[],
    get: (s: WorkSessionRecord) => string,
  ) =>
    ({
      kind: "custom",
      test: (s: WorkSessionRecord, value: string) => {
        if (!allowed.includes(value)) throw new ApiError(400, { [name]: [choiceError(value)] });
        return get(s) === value;
      },
    }) as const;
  return {
    filters: {
      status: choice("status", STATUSES, (s) => s.status),
      requester_type: choice("requester_type", ["user", "agent"], (s) => s.requesterType),
      assigned_user: { kind: "uuid", get: (s) => s.assignedUser },
    },
    ordering: { added_at: (s) => s.addedAt, expires_at: (s) => s.expiresAt },
    defaultOrdering: ["-added_at"],
  };
}

/** Staff see every session; others the ones they asked for or are assigned. */
export function visible(ctx: RequestContext, s: WorkSessionRecord): boolean {
  const me = ctx.principal.user.id;
  return isStaff(ctx) || s.createdBy === me || s.assignedUser === me;
}

function findSession(ctx: RequestContext): WorkSessionRecord {
  const session = ctx.ws.workSessions.get(idParam(ctx));
  if (!session || !visible(ctx, session)) throw notFound();
  return session;
}

const isOwner = (ctx: RequestContext, s: WorkSessionRecord) =>
  s.createdBy === ctx.principal.user.id || s.assignedUser === ctx.principal.user.id;

function readServers(ws: WorkspaceState, body: BodyReader, name: string, required: boolean) {
  const ids = body.uuidList(name, { required });
  for (const id of ids ?? []) {
    if (!ws.serverById.has(id)) body.fail(name, `Invalid pk "${id}" - object does not exist.`);
  }
  return ids ?? undefined;
}

function readScopes(body: BodyReader, required: boolean): string[] | undefined {
  const scopes = body.stringList("scopes", { required });
  for (const scope of scopes ?? []) {
    if (!WORK_SESSION_SCOPES.includes(scope))
      body.fail("scopes", `"${scope}" is not a valid choice.`);
  }
  if (scopes && scopes.length === 0) body.fail("scopes", "This list may not be empty.");
  return scopes ?? undefined;
}

function readSudoPolicies(ctx: RequestContext, body: BodyReader): SudoPolicyRecord[] | undefined {
  const items = body.list("sudo_policies");
  if (!items) return undefined;
  const policies: SudoPolicyRecord[] = [];
  for (const item of items) {
    const p = item as Record<string, unknown> | null;
    const commands = p?.commands;
    if (
      !p ||
      typeof p !== "object" ||
      !Array.isArray(commands) ||
      commands.length === 0 ||
      !commands.every((c) => typeof c === "string" && c.trim() !== "")
    ) {
      body.fail("sudo_policies", "Each policy needs a non-empty list of commands.");
      return undefined;
    }
    policies.push({
      id: typeof p.id === "string" ? p.id : ctx.ws.newId(),
      commands: commands as string[],
      reason: typeof p.reason === "string" ? p.reason : "",
      allowBypassMfa: p.allow_bypass_mfa === true,
    });
  }
  return policies;
}

function readExpiry(ctx: RequestContext, body: BodyReader, required: boolean): number | undefined {
  const value = body.dateTime("expires_at", { required });
  if (typeof value !== "string") return undefined;
  const at = Date.parse(value);
  if (at <= ctx.ws.now()) body.fail("expires_at", "Expiry must be in the future.");
  return at;
}

function ok(ctx: RequestContext, session: WorkSessionRecord, status = 200) {
  return { status, body: workSessionJson(ctx.ws, session) };
}

/** A state change the session's status refuses answers 400 with the reason, as the API does. */
function transition(
  ctx: RequestContext,
  from: readonly WorkSessionStatus[],
  message: string,
  change: (session: WorkSessionRecord) => void,
  allowed: (session: WorkSessionRecord) => boolean = (s) => isOwner(ctx, s) || isStaff(ctx),
) {
  const session = findSession(ctx);
  if (!allowed(session)) throw permissionDenied();
  if (ctx.body !== undefined && ctx.body !== null) new BodyReader(ctx.body);
  try {
    ctx.ws.workSessions.expect(session, from, message);
  } catch (error) {
    if (error instanceof TransitionError) throw new ApiError(400, { detail: error.message });
    throw error;
  }
  change(session);
  return ok(ctx, session);
}

function create(ctx: RequestContext) {
  const { ws, principal } = ctx;
  const body = new BodyReader(ctx.body);
  const title = body.string("title", { allowBlank: true, max: 255 }) ?? "";
  const description = body.string("description", { allowBlank: true }) ?? "";
  const requesterType = body.choice("requester_type", ["user", "agent"] as const) ?? "user";
  const scopes = readScopes(body, true);
  const servers = readServers(ws, body, "servers", true);
  const expiresAt = readExpiry(ctx, body, true);
  const sudoPolicies = readSudoPolicies(ctx, body) ?? [];
  if (sudoPolicies.length > 0 && scopes && !scopes.includes("sudo")) scopes.push("sudo");
  body.done();
  const now = ws.now();
  const session: WorkSessionRecord = {
    id: ws.newId(),
    title,
    description,
    status: "pending",
    requesterType,
    scopes: scopes as string[],
    servers: servers as string[],
    createdBy: principal.user.id,
    assignedUser: principal.user.id,
    startsAt: null,
    expiresAt: expiresAt as number,
    startedAt: null,
    completedAt: null,
    addedAt: now,
    updatedAt: now,
    sudoPolicies,
    adjustments: null,
    pendingModification: null,
    timeline: [],
    analysis: null,
  };
  ws.workSessions.add(session);
  // Every session starts `pending`: its approval request is what a person decides.
  ws.approvals.forWorkSession(session);
  return ok(ctx, session, 201);
}

function update(ctx: RequestContext) {
  const session = findSession(ctx);
  if (!isOwner(ctx, session) && !isStaff(ctx)) throw permissionDenied();
  const ws = ctx.ws;
  const body = new BodyReader(ctx.body);
  const title = body.string("title", { allowBlank: true, max: 255 });
  const description = body.string("description", { allowBlank: true });
  const scopes = readScopes(body, false);
  const servers = readServers(ws, body, "servers", false);
  const startsAt = body.dateTime("starts_at");
  const expiresAt = readExpiry(ctx, body, false);
  const sudoPolicies = readSudoPolicies(ctx, body);
  if (Object.keys(ctx.body as object).length === 0) {
    body.fail("non_field_errors", "Provide at least one field to change.");
  }
  body.done();
  ws.workSessions.refresh(session);
  if (!["pending", "approved", "active"].includes(session.status)) {
    throw new ApiError(400, { detail: "Work session is not modifiable." });
  }
  if (typeof title === "string") session.title = title;
  if (typeof description === "string") session.description = description;
  if (session.status === "pending") {
    if (scopes) session.scopes = scopes;
    if (servers) session.servers = servers;
    if (typeof startsAt === "string") session.startsAt = Date.parse(startsAt);
    if (expiresAt !== undefined) session.expiresAt = expiresAt;
    if (sudoPolicies) session.sudoPolicies = sudoPolicies;
    session.updatedAt = ws.now();
    ws.workSessions.list.touch();
    return ok(ctx, session);
  }
  // Approved or active: scope and server changes wait for a person (the modification flow).
  session.updatedAt = ws.now();
  if (!scopes && !servers) return ok(ctx, session);
  if (session.pendingModification) {
    throw coded(
      400,
      "work_session_mod_already_pending",
      "work_session",
      "A modification request for this work session is already pending.",
    );
  }
  session.pendingModification = {
    id: ws.newId(),
    changes: { ...(scopes ? { scopes } : {}), ...(servers ? { servers } : {}) },
    addedAt: ws.now(),
  };
  return ok(ctx, session, 202);
}

/** A person's decision, refused to API tokens first, as `/api/approvals/` refuses it. */
function approve(ctx: RequestContext) {
  requireHumanReviewer(ctx);
  const body = new BodyReader(ctx.body ?? {});
  const scopes = body.stringList("adjusted_scopes");
  const servers = readServers(ctx.ws, body, "adjusted_servers", false);
  body.string("comment", { allowBlank: true });
  body.done();
  return transition(
    ctx,
    ["pending"],
    "Only pending work sessions can be approved.",
    (session) => ctx.ws.workSessions.approve(session, { scopes, servers }),
    () => true,
  );
}

function extend(ctx: RequestContext) {
  const session = findSession(ctx);
  if (!isOwner(ctx, session) && !isStaff(ctx)) throw permissionDenied();
  const body = new BodyReader(ctx.body);
  const expiresAt = readExpiry(ctx, body, true);
  body.done();
  ctx.ws.workSessions.refresh(session);
  if (session.status !== "approved" && session.status !== "active") {
    throw new ApiError(400, { detail: "Only approved or active work sessions can be extended." });
  }
  if ((expiresAt as number) <= session.expiresAt) {
    throw new ApiError(400, { expires_at: ["New expiry must be later than current expiry."] });
  }
  session.expiresAt = expiresAt as number;
  session.updatedAt = ctx.ws.now();
  ctx.ws.workSessions.list.touch();
  return ok(ctx, session);
}

function runAnalysis(ctx: RequestContext, session: WorkSessionRecord) {
  return ctx.ws.workSessions.analyze(session, () => ctx.ws.newId(), {
    commandFailed: (id) => ctx.ws.commands.get(id)?.success === false,
  });
}

function analyze(ctx: RequestContext) {
  const session = findSession(ctx);
  if (!isOwner(ctx, session) && !isStaff(ctx)) throw permissionDenied();
  ctx.ws.workSessions.refresh(session);
  if (!["completed", "expired", "revoked"].includes(session.status)) {
    throw new ApiError(400, { detail: "Work session is not in a terminal state." });
  }
  const { created } = runAnalysis(ctx, session);
  return {
    status: created ? 202 : 200,
    body: { status: created ? "accepted" : "already_exists", work_session: session.id },
  };
}

function timeline(ctx: RequestContext) {
  const session = findSession(ctx);
  const records = ctx.query.get("include_records");
  if (records !== null && !["true", "false", "1", "0", "True", "False"].includes(records)) {
    throw new ApiError(400, { include_records: ["Must be a valid boolean."] });
  }
  const withRecords =
    records === null || records === "true" || records === "1" || records === "True";
  // A websh session's terminal record is its own line, after the session (CLI `TimelineItem`).
  const entries = session.timeline.flatMap((e): TimelineEntry[] =>
    withRecords && e.type === "websh_session" ? [e, { ...e, type: "websh_record" }] : [e],
  );
  return {
    status: 200,
    body: paginate(entries, ctx.query, (e) => timelineItemJson(ctx.ws, e)),
  };
}

export function registerWorkSessions(app: App): void {
  app.route("/api/work-sessions/sessions/", {
    GET: (ctx) => {
      const all = ctx.ws.workSessions.all().filter((s) => visible(ctx, s));
      const items = queryList(all, ctx.query, sessionSpec());
      return { status: 200, body: paginate(items, ctx.query, (s) => workSessionJson(ctx.ws, s)) };
    },
    POST: create,
  });
  app.route("/api/work-sessions/sessions/:id/", {
    GET: (ctx) => ok(ctx, findSession(ctx)),
    PATCH: update,
  });
  app.route("/api/work-sessions/sessions/:id/activate/", {
    POST: (ctx) =>
      transition(ctx, ["approved"], "Only approved work sessions can be activated.", (s) =>
        ctx.ws.workSessions.move(s, "active"),
      ),
  });
  app.route("/api/work-sessions/sessions/:id/complete/", {
    POST: (ctx) =>
      transition(ctx, ["active"], "Only active work sessions can be completed.", (s) => {
        ctx.ws.workSessions.move(s, "completed");
        // The product runs the AI analysis by itself once a session completes.
        runAnalysis(ctx, s);
      }),
  });
  app.route("/api/work-sessions/sessions/:id/cancel/", {
    POST: (ctx) =>
      transition(
        ctx,
        ["pending"],
        "Only pending work sessions can be cancelled.",
        (s) => ctx.ws.workSessions.move(s, "cancelled"),
        (s) => s.createdBy === ctx.principal.user.id || ctx.principal.user.is_superuser,
      ),
  });
  app.route("/api/work-sessions/sessions/:id/reject/", {
    POST: (ctx) => {
      requireHumanReviewer(ctx);
      return transition(
        ctx,
        ["pending"],
        "Only pending work sessions can be rejected.",
        (s) => ctx.ws.workSessions.move(s, "rejected"),
        () => true,
      );
    },
  });
  app.route("/api/work-sessions/sessions/:id/revoke/", {
    POST: (ctx) =>
      transition(
        ctx,
        ["approved", "active"],
        "Only approved or active work sessions can be revoked.",
        (s) => ctx.ws.workSessions.move(s, "revoked"),
        () => ctx.principal.user.is_superuser,
      ),
  });
  app.route("/api/work-sessions/sessions/:id/approve/", { POST: approve });
  app.route("/api/work-sessions/sessions/:id/extend/", { POST: extend });
  app.route("/api/work-sessions/sessions/:id/analyze/", { POST: analyze });
  app.route("/api/work-sessions/sessions/:id/timeline/", { GET: timeline });
}

/** The scope each gated operation needs (`cli@9483716:cmd/worksession/worksession.go`). */
const SCOPE_OF: Record<GateSource, string> = {
  command: "command",
  websh: "websh",
  webftp: "webftp",
  tunnel: "tunnel",
};

/**
 * The session a command, websh or webftp request names, checked as the gate checks it
 * (`cli@9483716:utils/error.go`, codes from alpacon-server `work_sessions/services.py`): it must
 * exist for this caller, be active and unexpired, and cover the operation's scope and the server.
 * Applies where the gate does (browser logins of a workspace that requires sessions); elsewhere a
 * named session that could be used still gets the activity on its timeline, and one that could
 * not is ignored, since static tokens bypass the gate.
 */
export function useWorkSession(
  ctx: RequestContext,
  source: GateSource,
  id: string | null | undefined,
  server: ServerRecord,
): WorkSessionRecord | null {
  const gated = ctx.ws.gates.workSessionRequired && ctx.principal.credential.scheme === "jwt";
  const refuse = (code: string) => {
    if (gated) throw coded(403, `work_session_${code}`, source);
    return null;
  };
  if (!id) return gated ? refuse("required") : null;
  const session = ctx.ws.workSessions.get(id);
  if (!session) return refuse("not_usable");
  if (session.assignedUser !== ctx.principal.user.id) return refuse("assignee_mismatch");
  if (session.status === "expired") return refuse("expired");
  if (session.status === "rejected") return refuse("not_usable");
  if (session.status !== "active") return refuse("not_active");
  if (!session.scopes.includes(SCOPE_OF[source])) return refuse("scope_not_allowed");
  if (!session.servers.includes(server.id)) return refuse("server_not_allowed");
  return session;
}

/** Puts activity done under a session on its timeline. */
export function recordWork(
  ctx: RequestContext,
  session: WorkSessionRecord | null,
  type: TimelineEntry["type"],
  ref: string,
  serverId: string,
): void {
  if (session) ctx.ws.workSessions.record(session, { type, at: ctx.ws.now(), ref, serverId });
}
