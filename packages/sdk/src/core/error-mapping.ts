import {
  AlpaconApiError,
  type ApiErrorInit,
  AuthenticationError,
  ConflictError,
  isWorkSessionCode,
  MfaRequiredError,
  NotFoundError,
  PermissionDeniedError,
  parseErrorBody,
  RateLimitError,
  RedirectError,
  ServerError,
  ValidationError,
  WorkSessionError,
} from "./errors.js";

/** Turns a non-2xx response into the error class a caller can act on; each class words its hint. */
export function toApiError(init: ApiErrorInit): AlpaconApiError {
  const { code } = parseErrorBody(init.body);
  switch (true) {
    case init.status >= 300 && init.status < 400:
      return new RedirectError(init);
    // Officially 401, but the code decides: a caller must never be told to replace a good token.
    case code === "auth_mfa_required":
      return new MfaRequiredError(init);
    case init.status === 401:
      return new AuthenticationError(init);
    case code === "api_token_acl_not_allowed":
      // The API answered 400 for this until alpacon-server#2804; both mean the same to a caller.
      return new PermissionDeniedError(init);
    // 403 in alpacon-cli's tests, 400 in alpacon-mcp's: the code decides.
    case (init.status === 403 || init.status === 400) && isWorkSessionCode(code):
      return new WorkSessionError(init);
    case init.status === 403:
      return new PermissionDeniedError(init);
    case init.status === 404:
      return new NotFoundError(init);
    case init.status === 409:
      return new ConflictError(init);
    case init.status === 429:
      return new RateLimitError(init);
    case init.status === 400 || init.status === 422:
      return new ValidationError(init);
    case init.status >= 500:
      return new ServerError(init);
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
