import type { RequestContext } from "../http/app.js";
import { ApiError, coded, fieldErrors, notFound, permissionDenied } from "../http/errors.js";
import { UUID_RE } from "../http/list.js";
import type { BodyReader } from "../http/validate.js";
import type { ServerRecord } from "../state/model.js";

/** Path parameter `id` as a lower-cased UUID; anything else cannot match a row → 404. */
export function idParam(ctx: RequestContext, name = "id"): string {
  const id = ctx.params[name] ?? "";
  if (!UUID_RE.test(id)) throw notFound();
  return id.toLowerCase();
}

export function requireStaff(ctx: RequestContext): void {
  if (!ctx.principal.user.is_staff && !ctx.principal.user.is_superuser) throw permissionDenied();
}

/**
 * The `server` query parameter of `/api/proc/*` and the metrics views: required, a UUID, an
 * existing server (django-filter's ModelChoiceFilter wording).
 */
export function requiredServerParam(ctx: RequestContext): ServerRecord {
  const value = ctx.query.get("server");
  if (value === null || value === "") throw fieldErrors({ server: ["This field is required."] });
  if (!UUID_RE.test(value)) throw fieldErrors({ server: ["Enter a valid UUID."] });
  const server = ctx.ws.serverById.get(value.toLowerCase());
  if (!server) {
    throw fieldErrors({
      server: ["Select a valid choice. That choice is not one of the available choices."],
    });
  }
  return server;
}

export type GateSource = "command" | "websh" | "webftp" | "tunnel";

/**
 * The gates tests can switch on. MFA (401 `auth_mfa_required`) applies to every caller but an
 * identity-provider login with a fresh MFA claim; the
 * work-session gate (403 `work_session_required`) only to browser logins (JWT), since static API
 * tokens bypass it in the real product. A request that names a `work_session` passes this first
 * check; `useWorkSession` (work-sessions.ts) then checks the session itself.
 */
export function checkGates(ctx: RequestContext, source: GateSource, body: BodyReader): void {
  if (ctx.ws.gates.mfaRequired && !mfaCompleted(ctx))
    throw coded(401, "auth_mfa_required", source, "MFA required to access this server.");
  if (
    ctx.ws.gates.workSessionRequired &&
    ctx.principal.credential.scheme === "jwt" &&
    !body.has("work_session")
  ) {
    throw coded(403, "work_session_required", source);
  }
}

/**
 * Whether the caller's login completed an allowed MFA method within the workspace's
 * `mfa_timeout`: alpacon-server's `check_mfa_completed`, as the reference mirrors it
 * (`alpacon-mcp@22fc34c:utils/security_settings.py`). Only identity-provider JWTs carry it.
 */
function mfaCompleted(ctx: RequestContext): boolean {
  const done = ctx.principal.credential.mfa;
  if (!done) return false;
  const { mfa_timeout, allowed_mfa_methods } = ctx.ws.settings.mfa;
  const now = ctx.ws.now();
  return Object.entries(done).some(([method, at]) => {
    if (allowed_mfa_methods.length > 0 && !allowed_mfa_methods.includes(method)) return false;
    const elapsed = now - Date.parse(at);
    return elapsed >= 0 && elapsed < mfa_timeout * 1000;
  });
}

export const isStaff = (ctx: RequestContext): boolean =>
  ctx.principal.user.is_staff || ctx.principal.user.is_superuser;

/**
 * Approve and reject are a person's, in the web console or Slack: the server refuses them to
 * agent and token channels with 403 (`mcp@22fc34c:CLAUDE.md` "Red lines", ADR 0015;
 * `mcp@22fc34c:tools/approval_tools.py`; `cli@9483716:cmd/approval/approval_approve.go`,
 * `cmd/worksession/worksession_approve.go`). Here an API token (or an agent key) is that channel
 * and a browser login (JWT) is the person, who must be staff to review, as `routes/tokens.ts`
 * tells the two apart for token management. Approval requests and work sessions share it: a work
 * session's request is its approval request, so one decision must not be allowed on one path and
 * refused on the other.
 */
export function requireHumanReviewer(ctx: RequestContext): void {
  if (ctx.principal.credential.scheme !== "jwt") {
    throw new ApiError(403, {
      detail:
        "Approval requests are approved or rejected by a person in the Alpacon web console or Slack, not with an API token.",
    });
  }
  if (!isStaff(ctx)) throw permissionDenied();
}

/** Websh and webftp records are the caller's own to see, unless the caller is staff. */
export function ownOrStaff(ctx: RequestContext, record: { userId: string }): boolean {
  return isStaff(ctx) || record.userId === ctx.principal.user.id;
}

/** The optional run-as user and group of a command, websh or webftp request; "" when not given. */
export function readRunAs(body: BodyReader): { username: string; groupname: string } {
  return {
    username: body.string("username", { allowBlank: true, nullable: true }) ?? "",
    groupname: body.string("groupname", { allowBlank: true, nullable: true }) ?? "",
  };
}

/** Shared by commands, websh and webftp (`oss:websh/mixins.py` WebshValidationSerializer). */
export function requireConnected(server: ServerRecord): void {
  if (!server.commissioned) {
    throw new ApiError(400, {
      non_field_errors: [
        "Requested server is not commissioned yet. Please finish the installation steps first.",
      ],
    });
  }
  if (!server.isConnected) {
    throw new ApiError(400, {
      non_field_errors: [
        "Requested server is not connected. Please check the server status first.",
      ],
    });
  }
}

export const USER_NOT_REGISTERED =
  "Username or groupname is not registered or you do not have permission.";
