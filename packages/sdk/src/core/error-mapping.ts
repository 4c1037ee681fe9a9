import {
  AlpaconApiError,
  type ApiErrorInit,
  AuthenticationError,
  ConflictError,
  MfaRequiredError,
  NotFoundError,
  PermissionDeniedError,
  parseErrorBody,
  RateLimitError,
  RedirectError,
  ServerError,
  ValidationError,
  WORK_SESSION_CODES,
  type WorkSessionCode,
  WorkSessionError,
} from "./errors.js";

const WORK_SESSION_HINTS: Record<WorkSessionCode, string> = {
  work_session_required:
    "Create a work session covering this server and operation in the Alpacon web console, have it approved, then retry passing its id as workSession",
  work_session_not_usable:
    "The work session has ended; create a new one, have it approved, then retry with its id",
  work_session_not_active:
    "The work session is waiting for approval; retry once a person has approved it",
  work_session_expired: "The work session has expired; extend it or create a new one, then retry",
  work_session_scope_not_allowed:
    "Add this operation's scope to the work session (or create one that has it), then retry",
  work_session_server_not_allowed:
    "Add this server to the work session (or create one that includes it), then retry",
  work_session_assignee_mismatch:
    "The work session belongs to someone else; use one assigned to this user",
};

function isWorkSessionCode(code: string | undefined): code is WorkSessionCode {
  return (WORK_SESSION_CODES as readonly (string | undefined)[]).includes(code);
}

/** Turns a non-2xx response into the error class a caller can act on, with a next step. */
export function toApiError(init: ApiErrorInit): AlpaconApiError {
  const { code } = parseErrorBody(init.body);
  const target = init.context ? ` for ${init.context}` : "";
  switch (true) {
    case init.status >= 300 && init.status < 400:
      return new RedirectError(init);
    // Officially 401, but the code decides: a caller must never be told to replace a good token.
    case code === "auth_mfa_required":
      return new MfaRequiredError(
        init,
        "Complete multi-factor authentication in the Alpacon web console, then retry",
      );
    case init.status === 401:
      return new AuthenticationError(
        init,
        `Check the API token${target}: it may be wrong, expired or revoked`,
      );
    case code === "api_token_acl_not_allowed":
      // The API answered 400 for this until alpacon-server#2804; both mean the same to a caller.
      return new PermissionDeniedError(
        init,
        "Ask a workspace admin to allow this command or server in the API token's ACL",
      );
    // 403 in alpacon-cli's tests, 400 in alpacon-mcp's: the code decides.
    case (init.status === 403 || init.status === 400) && isWorkSessionCode(code):
      return new WorkSessionError(init, WORK_SESSION_HINTS[code as WorkSessionCode]);
    case init.status === 403:
      return new PermissionDeniedError(init, "The token's user lacks permission for this action");
    case init.status === 404:
      return new NotFoundError(init, "Check the id or name; it may have been deleted");
    case init.status === 409:
      return new ConflictError(init);
    case init.status === 429:
      return new RateLimitError(
        init,
        init.retryAfterMs === undefined
          ? "Slow down and retry later"
          : `Retry after ${Math.ceil(init.retryAfterMs / 1000)} s`,
      );
    case init.status === 400 || init.status === 422:
      return new ValidationError(init);
    case init.status >= 500:
      return new ServerError(init, "The Alpacon server had a problem; retry later");
    default:
      return new AlpaconApiError(init);
  }
}

/** Parses `Retry-After` (delta-seconds or HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
