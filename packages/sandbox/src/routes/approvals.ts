import type { App, RequestContext } from "../http/app.js";
import { ApiError, notFound, permissionDenied } from "../http/errors.js";
import { type ListSpec, queryList } from "../http/list.js";
import { paginate } from "../http/pagination.js";
import { BodyReader } from "../http/validate.js";
import {
  APPROVAL_STATUSES,
  type ApprovalRecord,
  type ApprovalStatus,
  type WorkspaceSudoPolicy,
} from "../state/approvals.js";
import { idParam, requireHumanReviewer } from "./common.js";
import { approvalJson, sudoPolicyJson } from "./serialize/approvals.js";

function requestSpec(ctx: RequestContext): ListSpec<ApprovalRecord> {
  return {
    filters: {
      status: {
        kind: "custom",
        test: (r, value) => {
          if (!APPROVAL_STATUSES.includes(value as ApprovalStatus)) {
            throw new ApiError(400, {
              status: [`Select a valid choice. ${value} is not one of the available choices.`],
            });
          }
          return ctx.ws.approvals.statusOf(r) === value;
        },
      },
      // An open set (`cli@9483716:cmd/approval/approval_list.go` `validTypes`): exact match.
      request_type: { kind: "exact", get: (r) => r.subject.kind },
    },
    ordering: { added_at: (r) => r.addedAt },
    defaultOrdering: ["-added_at"],
  };
}

const mine = (ctx: RequestContext, r: ApprovalRecord) => r.requestedBy === ctx.principal.user.id;

/** Superusers see every request; other callers their own (`cmd/approval/approval_list.go`). */
const visible = (ctx: RequestContext, r: ApprovalRecord) =>
  ctx.principal.user.is_superuser || mine(ctx, r);

function listOf(ctx: RequestContext, keep: (r: ApprovalRecord) => boolean) {
  // Reading the sessions first applies their clock-driven moves (expiry) to the requests.
  ctx.ws.workSessions.all();
  const items = queryList(
    ctx.ws.approvals.requests.all().filter(keep),
    ctx.query,
    requestSpec(ctx),
  );
  return { status: 200, body: paginate(items, ctx.query, (r) => approvalJson(ctx.ws, r)) };
}

function findRequest(ctx: RequestContext): ApprovalRecord {
  const record = ctx.ws.approvals.byId.get(idParam(ctx));
  if (!record || !visible(ctx, record)) throw notFound();
  return record;
}

function pending(ctx: RequestContext, record: ApprovalRecord, verb: string): void {
  if (ctx.ws.approvals.statusOf(record) !== "pending") {
    throw new ApiError(400, { detail: `Only pending requests can be ${verb}.` });
  }
}

/** The decision's answer: the request, or (the CLI's tests) 200 with an empty body. */
function decided(ctx: RequestContext, record: ApprovalRecord) {
  return ctx.ws.variants.approvals === "cli"
    ? { status: 200 }
    : { status: 200, body: approvalJson(ctx.ws, record) };
}

function approve(ctx: RequestContext) {
  requireHumanReviewer(ctx);
  const record = findRequest(ctx);
  // `{adjusted_scopes, adjusted_servers}` (cli `ApproveOptions`) or `{comment}` (mcp@60d4469).
  const body = new BodyReader(ctx.body ?? {});
  const scopes = body.stringList("adjusted_scopes");
  const servers = body.uuidList("adjusted_servers");
  body.string("comment", { allowBlank: true });
  body.done();
  pending(ctx, record, "approved");
  const me = ctx.principal.user.id;
  if (record.subject.kind === "work_session") {
    const session = ctx.ws.workSessions.get(record.subject.sessionId);
    if (session) ctx.ws.workSessions.approve(session, { scopes, servers });
  }
  ctx.ws.approvals.review(record, "approved", me);
  return decided(ctx, record);
}

function reject(ctx: RequestContext) {
  requireHumanReviewer(ctx);
  const record = findRequest(ctx);
  const body = new BodyReader(ctx.body ?? {});
  body.string("comment", { allowBlank: true });
  body.done();
  pending(ctx, record, "rejected");
  endSession(ctx, record, "rejected");
  ctx.ws.approvals.review(record, "rejected", ctx.principal.user.id);
  return decided(ctx, record);
}

function endSession(ctx: RequestContext, record: ApprovalRecord, status: "rejected" | "cancelled") {
  if (record.subject.kind !== "work_session") return;
  const session = ctx.ws.workSessions.get(record.subject.sessionId);
  if (session) ctx.ws.workSessions.move(session, status);
}

/** The requester withdraws a pending request (superusers any); a session's goes with it. */
function cancel(ctx: RequestContext) {
  const record = findRequest(ctx);
  if (!mine(ctx, record) && !ctx.principal.user.is_superuser) throw permissionDenied();
  if (ctx.body !== undefined && ctx.body !== null) new BodyReader(ctx.body).done();
  pending(ctx, record, "cancelled");
  endSession(ctx, record, "cancelled");
  ctx.ws.approvals.review(record, "cancelled", null);
  return { status: 204 };
}

const POLICY_SPEC: ListSpec<WorkspaceSudoPolicy> = {
  ordering: { name: (p) => p.name, added_at: (p) => p.addedAt },
  defaultOrdering: ["name"],
};

function readIds(
  body: BodyReader,
  name: string,
  exists: (id: string) => boolean,
): string[] | undefined {
  const ids = body.uuidList(name) ?? [];
  for (const id of ids)
    if (!exists(id)) body.fail(name, `Invalid pk "${id}" - object does not exist.`);
  return ids;
}

/** `createSudoPolicy`: superusers only; the body of `mcp@22fc34c:tools/approval_tools.py`. */
function createPolicy(ctx: RequestContext) {
  const { ws } = ctx;
  if (!ctx.principal.user.is_superuser) throw permissionDenied();
  const body = new BodyReader(ctx.body);
  const name = body.string("name", { required: true, max: 255 });
  const commands = body.stringList("commands", { required: true });
  if (commands && (commands.length === 0 || commands.some((c) => c.trim() === ""))) {
    body.fail("commands", "Give at least one command, none of them blank.");
  }
  const users = readIds(body, "users", (id) => ws.userById.has(id));
  const groups = readIds(body, "groups", (id) => ws.groupById.has(id));
  const servers = readIds(body, "servers", (id) => ws.serverById.has(id));
  const runAs = body.string("run_as", { nullable: true, max: 64 });
  const noPassword = body.bool("no_password") ?? false;
  const description = body.string("description", { allowBlank: true, nullable: true });
  if (typeof name === "string" && ws.approvals.policies.all().some((p) => p.name === name)) {
    body.fail("name", "sudo policy with this name already exists.");
  }
  body.done();
  const policy: WorkspaceSudoPolicy = {
    id: ws.newId(),
    name: name as string,
    commands: (commands as string[]).map((c) => c.trim()),
    users: users ?? [],
    groups: groups ?? [],
    servers: servers ?? [],
    runAs: runAs || null,
    noPassword,
    description: description ?? null,
    addedAt: ws.now(),
  };
  ws.approvals.policies.add(policy);
  return { status: 201, body: sudoPolicyJson(policy) };
}

export function registerApprovals(app: App): void {
  app.route("/api/approvals/approvals/", { GET: (ctx) => listOf(ctx, (r) => visible(ctx, r)) });
  app.route("/api/approvals/approvals/-/", { GET: (ctx) => listOf(ctx, (r) => mine(ctx, r)) });
  app.route("/api/approvals/approvals/:id/", {
    GET: (ctx) => ({ status: 200, body: approvalJson(ctx.ws, findRequest(ctx)) }),
  });
  app.route("/api/approvals/approvals/:id/approve/", { POST: approve });
  app.route("/api/approvals/approvals/:id/reject/", { POST: reject });
  app.route("/api/approvals/approvals/:id/cancel/", { POST: cancel });
  app.route("/api/approvals/sudo-policies/", {
    GET: (ctx) => {
      const items = queryList(ctx.ws.approvals.policies.all(), ctx.query, POLICY_SPEC);
      return { status: 200, body: paginate(items, ctx.query, sudoPolicyJson) };
    },
    POST: createPolicy,
  });
}
