import { checkTokenAcl } from "../auth/acl.js";
import type { App, RequestContext } from "../http/app.js";
import {
  ApiError,
  fieldErrors,
  nonFieldError,
  notFound,
  permissionDenied,
} from "../http/errors.js";
import { type ListSpec, queryList } from "../http/list.js";
import { paginate } from "../http/pagination.js";
import { BodyReader } from "../http/validate.js";
import { iso, type ServerRecord } from "../state/model.js";
import { inviteToken, sharePassword, type WebshSession } from "../state/websh-sessions.js";
import type { WorkspaceState } from "../state/workspace.js";
import {
  checkGates,
  idParam,
  isStaff,
  ownOrStaff,
  readRunAs,
  requireConnected,
  USER_NOT_REGISTERED,
} from "./common.js";
import { webshConnectionJson, webshSessionJson } from "./serialize/websh.js";
import { recordWork, useWorkSession } from "./work-sessions.js";

/** The 2024 server's WEBSH_SESSION_SHARE_TIMEOUT; invite links last as long. */
const SHARE_TTL_MS = 30 * 60_000;

/** Share and invite both need the caller's own open session (owner-only, as `SessionViewSet.share`). */
function sessionToShare(ctx: RequestContext): WebshSession {
  const session = findSession(ctx);
  if (session.userId !== ctx.principal.user.id) throw permissionDenied();
  return session;
}

function refuseClosed(session: WebshSession): void {
  if (session.closedAt !== null) throw nonFieldError("Closed sessions cannot be shared.");
}

function sessionSpec(ws: WorkspaceState): ListSpec<WebshSession> {
  return {
    filters: {
      server: { kind: "uuid", get: (s) => s.serverId },
      user: { kind: "uuid", get: (s) => s.userId },
      username: { kind: "exact", get: (s) => s.username },
      groupname: { kind: "exact", get: (s) => s.groupname },
      is_connectable: { kind: "bool", get: (s) => s.closedAt === null },
    },
    search: (s) =>
      `${ws.serverById.get(s.serverId)?.name ?? ""} ${s.username} ${s.groupname}`.toLowerCase(),
    ordering: {
      added_at: (s) => s.addedAt,
      updated_at: (s) => s.updatedAt,
      closed_at: (s) => s.closedAt,
    },
    defaultOrdering: ["-added_at"],
  };
}

export function findSession(ctx: RequestContext): WebshSession {
  const session = ctx.ws.websh.sessions.get(idParam(ctx));
  if (!session || !ownOrStaff(ctx, session)) throw notFound();
  return session;
}

/**
 * Run-as user and group as `WebshValidationSerializer` resolves them, after checking that the
 * server is connected (websh and webftp requests all check both, in this order).
 */
export function resolveRunAs(
  ctx: RequestContext,
  server: ServerRecord,
  { username, groupname }: { username: string; groupname: string },
): { username: string; groupname: string } {
  requireConnected(server);
  const details = ctx.ws.serverDetails(server);
  const user = username !== "" ? username : ctx.principal.user.username;
  const group =
    groupname !== ""
      ? groupname
      : details.groups.some((g) => g.groupname === user)
        ? user
        : "alpacon";
  if (
    !details.users.some((u) => u.username === user) ||
    !details.groups.some((g) => g.groupname === group)
  ) {
    throw new ApiError(400, { non_field_errors: [USER_NOT_REGISTERED] });
  }
  return { username: user, groupname: group };
}

/**
 * What opening a websh session or a tunnel checks once the body is read, in the service's
 * order: the work session, the token's ACL, then the server and run-as user.
 */
export function admitShell(
  ctx: RequestContext,
  source: "websh" | "tunnel",
  server: ServerRecord,
  requested: { username: string; groupname: string },
  workSessionId: string | null | undefined,
) {
  const workSession = useWorkSession(ctx, source, workSessionId, server);
  checkTokenAcl(ctx, server, requested);
  return { workSession, runAs: resolveRunAs(ctx, server, requested) };
}

export function registerWebsh(app: App): void {
  app.route("/api/websh/sessions/", {
    GET: (ctx) => {
      const all = ctx.ws.websh.all().filter((s) => ownOrStaff(ctx, s));
      const items = queryList(all, ctx.query, sessionSpec(ctx.ws));
      return { status: 200, body: paginate(items, ctx.query, (s) => webshSessionJson(ctx.ws, s)) };
    },
    POST: (ctx) => {
      const body = new BodyReader(ctx.body);
      checkGates(ctx, "websh", body);
      const server = body.ref("server", (id) => ctx.ws.serverById.get(id), { required: true });
      const rows = body.int("rows", { min: 1, max: 1000 }) ?? 24;
      const cols = body.int("cols", { min: 1, max: 1000 }) ?? 80;
      const requested = readRunAs(body);
      const workSessionId = body.uuid("work_session", { nullable: true });
      body.done();
      if (!server) throw nonFieldError("Invalid data.");
      const { workSession, runAs } = admitShell(ctx, "websh", server, requested, workSessionId);
      const { session, channel } = ctx.ws.websh.createSession({
        serverId: server.id,
        userId: ctx.principal.user.id,
        rows,
        cols,
        ...runAs,
      });
      recordWork(ctx, workSession, "websh_session", session.id, server.id);
      return {
        status: 201,
        body: webshConnectionJson(ctx.ws, ctx.core.wsOrigin, session, channel),
      };
    },
  });
  app.route("/api/websh/sessions/:id/", {
    GET: (ctx) => ({ status: 200, body: webshSessionJson(ctx.ws, findSession(ctx)) }),
    PATCH: (ctx) => {
      const session = findSession(ctx);
      if (!ownOrStaff(ctx, session)) throw permissionDenied();
      const body = new BodyReader(ctx.body);
      const rows = body.int("rows", { required: true, min: 1, max: 1000 });
      const cols = body.int("cols", { required: true, min: 1, max: 1000 });
      body.done();
      if (session.closedAt !== null) throw nonFieldError("Closed sessions cannot be updated.");
      ctx.ws.websh.resize(session, rows as number, cols as number);
      return { status: 200, body: webshSessionJson(ctx.ws, session) };
    },
  });
  app.route("/api/websh/sessions/:id/close/", {
    POST: (ctx) => {
      const session = findSession(ctx);
      if (session.userId !== ctx.principal.user.id) throw permissionDenied();
      ctx.ws.websh.close(session, "close");
      return { status: 200, body: webshSessionJson(ctx.ws, session) };
    },
  });
  app.route("/api/websh/sessions/:id/force-close/", {
    POST: (ctx) => {
      const session = findSession(ctx);
      if (!isStaff(ctx)) throw permissionDenied();
      ctx.ws.websh.close(session, "force-close");
      return { status: 200, body: webshSessionJson(ctx.ws, session) };
    },
  });
  app.route("/api/websh/sessions/:id/share/", {
    POST: (ctx) => {
      const session = sessionToShare(ctx);
      const body = new BodyReader(ctx.body);
      const readOnly = body.bool("read_only") ?? true;
      body.done();
      refuseClosed(session);
      const password = sharePassword();
      const channel = ctx.ws.websh.addChannel(session, {
        isMaster: false,
        readOnly,
        userId: null,
        password,
        ttlMs: SHARE_TTL_MS,
      });
      return {
        status: 201,
        body: {
          shared_url: `${ctx.core.origin}/${ctx.ws.region}/${ctx.ws.name}/websh/shared/${session.id}?channel=${channel.id}`,
          password,
          read_only: readOnly,
          expiration: iso(channel.expiresAt ?? ctx.ws.now()),
        },
      };
    },
  });
  app.route("/api/websh/sessions/:id/invite/", {
    POST: (ctx) => {
      const session = sessionToShare(ctx);
      const body = new BodyReader(ctx.body);
      const emails = body.stringList("emails", { required: true });
      const readOnly = body.bool("read_only") ?? true;
      if (emails && emails.length === 0) body.fail("emails", "This list may not be empty.");
      if (emails?.some((e) => !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(e))) {
        body.fail("emails", "Enter a valid email address.");
      }
      body.done();
      refuseClosed(session);
      // One invite channel per address: its link carries the token the invitee joins with.
      const channels = [...new Set((emails ?? []).map((e) => e.toLowerCase()))].map((email) =>
        ctx.ws.websh.addChannel(session, {
          isMaster: false,
          readOnly,
          userId: null,
          invite: { email, token: inviteToken() },
          ttlMs: SHARE_TTL_MS,
        }),
      );
      return {
        status: 200,
        body: {
          emails: channels.map((c) => c.invite?.email),
          read_only: readOnly,
          expiration: iso(channels[0]?.expiresAt ?? ctx.ws.now()),
        },
      };
    },
  });
  app.route("/api/websh/user-channels/", {
    POST: (ctx) => {
      const body = new BodyReader(ctx.body);
      const session = body.ref("session", (id) => ctx.ws.websh.sessions.get(id), {
        required: true,
      });
      const isMaster = body.bool("is_master") ?? false;
      const readOnly = body.bool("read_only") ?? true;
      body.done();
      if (!session) throw nonFieldError("Invalid data.");
      const owner = session.userId === ctx.principal.user.id;
      // Reconnecting is the owner's; watching someone else's session is for staff.
      if (!owner && (!isStaff(ctx) || isMaster || !readOnly)) throw permissionDenied();
      if (session.closedAt !== null) throw nonFieldError("Closed sessions cannot be joined.");
      const channel = ctx.ws.websh.addChannel(session, {
        isMaster,
        readOnly,
        userId: ctx.principal.user.id,
      });
      return {
        status: 201,
        body: webshConnectionJson(ctx.ws, ctx.core.wsOrigin, session, channel),
      };
    },
  });
  app.route("/api/websh/user-channels/:channel_id/join/", {
    POST: (ctx) => {
      const shared = ctx.ws.websh.channel(ctx.params.channel_id ?? "");
      if (!shared || (shared.password === null && shared.invite === null)) throw notFound();
      const session = ctx.ws.websh.sessions.get(shared.sessionId);
      if (!session) throw notFound();
      const body = new BodyReader(ctx.body);
      const password = body.string("password", { allowBlank: true });
      const token = body.string("token", { allowBlank: true });
      body.string("username", { allowBlank: true });
      body.done();
      if (shared.invite) {
        // An invite link is for the address it was sent to, with its token.
        if (!token) throw fieldErrors({ token: ["This field is required."] });
        if (token !== shared.invite.token) throw fieldErrors({ token: ["Invalid token."] });
        if (ctx.principal.user.email.toLowerCase() !== shared.invite.email) {
          throw permissionDenied();
        }
      } else {
        if (!password) throw fieldErrors({ password: ["This field is required."] });
        if (password !== shared.password) throw fieldErrors({ password: ["Incorrect password."] });
      }
      if (shared.expiresAt !== null && shared.expiresAt <= ctx.ws.now()) {
        throw nonFieldError("This shared session has expired.");
      }
      if (session.closedAt !== null) throw nonFieldError("Closed sessions cannot be joined.");
      // Every guest gets a channel of their own, with the share's read-only flag.
      const channel = ctx.ws.websh.addChannel(session, {
        isMaster: false,
        readOnly: shared.readOnly,
        userId: ctx.principal.user.id,
      });
      return {
        status: 200,
        body: webshConnectionJson(ctx.ws, ctx.core.wsOrigin, session, channel),
      };
    },
  });
}
