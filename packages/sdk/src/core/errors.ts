/**
 * Every error the SDK throws is an AlpaconError. HTTP failures are AlpaconApiError subclasses,
 * one per case a caller handles differently. None of them ever holds the token or the
 * Authorization header: they are built from the method, the path and the response body only.
 */
export class AlpaconError extends Error {
  override name = "AlpaconError";
}

/** The configuration is missing or wrong: names the file or variable to fix. */
export class ConfigError extends AlpaconError {
  override name = "ConfigError";
}

export interface ApiErrorInit {
  status: number;
  method: string;
  path: string;
  body: unknown;
  requestId?: string | undefined;
  retryAfterMs?: number | undefined;
  context?: string | undefined;
  /** A 3xx answer's `Location` header. */
  location?: string | undefined;
}

export class AlpaconApiError extends AlpaconError {
  override name = "AlpaconApiError";
  readonly status: number;
  readonly method: string;
  readonly path: string;
  /** The API's machine-readable code (`auth_mfa_required`, `api_token_acl_not_allowed`, …). */
  readonly code: string | undefined;
  /** Where the API says the code comes from (`websh`, `command`, …). */
  readonly source: string | undefined;
  /** The API's own words (`detail`, or the first field error). */
  readonly detail: string | undefined;
  readonly requestId: string | undefined;
  readonly body: unknown;

  constructor(init: ApiErrorInit, hint?: string) {
    const parsed = parseErrorBody(init.body);
    const reason = parsed.detail ?? (parsed.code ? describeCode(parsed.code) : undefined);
    const where = init.context ? ` (${init.context})` : "";
    super(
      `${init.method} ${init.path}${where} failed with ${init.status}${reason ? `: ${reason}` : ""}${hint ? `. ${hint}` : ""}`,
    );
    this.status = init.status;
    this.method = init.method;
    this.path = init.path;
    this.code = parsed.code;
    this.source = parsed.source;
    this.detail = parsed.detail;
    this.requestId = init.requestId;
    this.body = init.body;
  }
}

export class AuthenticationError extends AlpaconApiError {
  override name = "AuthenticationError";
}

export class MfaRequiredError extends AuthenticationError {
  override name = "MfaRequiredError";
}

export class PermissionDeniedError extends AlpaconApiError {
  override name = "PermissionDeniedError";
}

/** The work-session gates an API can refuse with; `work_session_not_active` waits for approval. */
export const WORK_SESSION_CODES = [
  "work_session_required",
  "work_session_not_usable",
  "work_session_not_active",
  "work_session_expired",
  "work_session_scope_not_allowed",
  "work_session_server_not_allowed",
  "work_session_assignee_mismatch",
] as const;
export type WorkSessionCode = (typeof WORK_SESSION_CODES)[number];

/**
 * The work-session gate refused the call (browser/OAuth logins; static API tokens bypass it).
 * `code` says which gate, `source` which operation (`command`, `websh`, `webftp`). The API sends
 * it as 403 or 400 depending on the version; both become this class.
 */
export class WorkSessionError extends PermissionDeniedError {
  override name = "WorkSessionError";
  declare readonly code: WorkSessionCode;
}

export class NotFoundError extends AlpaconApiError {
  override name = "NotFoundError";
}

export class ValidationError extends AlpaconApiError {
  override name = "ValidationError";
  /** Field name → messages, as DRF sends them (`non_field_errors` for object-level ones). */
  readonly fieldErrors: Record<string, string[]>;
  constructor(init: ApiErrorInit, hint?: string) {
    super(init, hint);
    this.fieldErrors = parseErrorBody(init.body).fieldErrors;
  }
}

export class ConflictError extends AlpaconApiError {
  override name = "ConflictError";
}

export class RateLimitError extends AlpaconApiError {
  override name = "RateLimitError";
  /** How long the API asked us to wait, from `Retry-After`; undefined when it did not say. */
  readonly retryAfterMs: number | undefined;
  constructor(init: ApiErrorInit, hint?: string) {
    super(init, hint);
    this.retryAfterMs = init.retryAfterMs;
  }
}

export class ServerError extends AlpaconApiError {
  override name = "ServerError";
}

/**
 * The API answered with a redirect. API calls never follow one: it could carry the token and a
 * request body (a command, a password) to another host, and resending a POST could run it twice.
 */
export class RedirectError extends AlpaconApiError {
  override name = "RedirectError";
  /** Where it pointed: the origin only (`https://other.example`), or undefined when unknown. */
  readonly target: string | undefined;
  constructor(init: ApiErrorInit) {
    const target = originOf(init.location, init.path);
    super(
      init,
      `API calls do not follow redirects${target ? ` (this one pointed to ${target})` : ""}: set the client's base URL to the API's own address`,
    );
    this.target = target;
  }
}

function originOf(location: string | undefined, path: string): string | undefined {
  if (!location) return undefined;
  try {
    // Relative locations resolve against a placeholder: only an absolute one names a host.
    const url = new URL(location, `http://same-origin.invalid${path}`);
    return url.hostname === "same-origin.invalid" ? "another path of the same host" : url.origin;
  } catch {
    return undefined;
  }
}

/**
 * A successful answer whose body is not JSON: an HTML page from a proxy or a login portal, or a
 * base URL that points at a web site rather than the API.
 */
export class InvalidResponseError extends AlpaconError {
  override name = "InvalidResponseError";
  readonly method: string | undefined;
  readonly path: string | undefined;
  readonly status: number | undefined;
  /** The answer's `Content-Type`, when it had one. */
  readonly contentType: string | undefined;
  constructor(init: {
    method?: string | undefined;
    path?: string | undefined;
    status?: number | undefined;
    contentType?: string | undefined;
    reason?: string | undefined;
  }) {
    const what = init.method && init.path ? `${init.method} ${init.path}` : "An API call";
    const got = init.contentType ? `${init.contentType}` : "a body that is not valid JSON";
    super(
      `${what} got ${init.status ? `HTTP ${init.status} with ` : ""}${got} instead of JSON${init.reason ? ` (${init.reason})` : ""}. Check that the base URL points at the Alpacon API, not a web page, a proxy or a login portal.`,
    );
    this.method = init.method;
    this.path = init.path;
    this.status = init.status;
    this.contentType = init.contentType;
  }
}

/** No HTTP response arrived: DNS, refused or reset connection, or a body cut short. */
export class ConnectionError extends AlpaconError {
  override name = "ConnectionError";
  readonly method: string;
  readonly path: string;
  constructor(method: string, path: string, reason: string, options?: ErrorOptions) {
    super(`${method} ${path} failed: ${reason}. Check that the Alpacon URL is reachable.`, options);
    this.method = method;
    this.path = path;
  }
}

export class TimeoutError extends AlpaconError {
  override name = "TimeoutError";
  readonly method: string;
  readonly path: string;
  readonly timeoutMs: number;
  constructor(method: string, path: string, timeoutMs: number) {
    super(`${method} ${path} timed out after ${timeoutMs} ms. Retry, or raise timeoutMs.`);
    this.method = method;
    this.path = path;
    this.timeoutMs = timeoutMs;
  }
}

/** The caller's AbortSignal fired. */
export class AbortedError extends AlpaconError {
  override name = "AbortedError";
}

interface ParsedErrorBody {
  detail: string | undefined;
  code: string | undefined;
  source: string | undefined;
  fieldErrors: Record<string, string[]>;
}

/** Reads the three DRF/Alpacon error shapes: `{detail}`, `{code, source}`, `{field: [msgs]}`, and `["msg"]`. */
export function parseErrorBody(body: unknown): ParsedErrorBody {
  const parsed: ParsedErrorBody = {
    detail: undefined,
    code: undefined,
    source: undefined,
    fieldErrors: {},
  };
  if (Array.isArray(body)) {
    parsed.detail = body.filter((item) => typeof item === "string").join(" ") || undefined;
    return parsed;
  }
  if (typeof body === "string") {
    // HTML error pages from proxies are noise to a caller; keep only short plain text.
    parsed.detail = body.length <= 200 && !body.trimStart().startsWith("<") ? body : undefined;
    return parsed;
  }
  if (body === null || typeof body !== "object") return parsed;
  for (const [key, value] of Object.entries(body)) {
    if (key === "detail" && typeof value === "string") parsed.detail = value;
    else if (key === "code" && typeof value === "string") parsed.code = value;
    else if (key === "source" && typeof value === "string") parsed.source = value || undefined;
    else if (Array.isArray(value)) parsed.fieldErrors[key] = value.map(String);
    else if (typeof value === "string") parsed.fieldErrors[key] = [value];
  }
  if (parsed.detail === undefined) {
    const first = Object.entries(parsed.fieldErrors)[0];
    if (first)
      parsed.detail =
        first[0] === "non_field_errors" ? first[1].join(" ") : `${first[0]}: ${first[1].join(" ")}`;
  }
  return parsed;
}

const CODE_DESCRIPTIONS: Record<string, string> = {
  auth_mfa_required: "multi-factor authentication is required for this action",
  api_token_acl_not_allowed: "the API token's access control list does not allow this",
  work_session_required: "a work session is required for this action",
  work_session_not_usable: "the work session cannot be used",
  work_session_not_active: "the work session is not active",
  work_session_expired: "the work session has expired",
  work_session_scope_not_allowed: "the work session's scope does not allow this",
  work_session_server_not_allowed: "the work session does not include this server",
  work_session_assignee_mismatch: "the work session is assigned to someone else",
  command_inline_credential: "the command line contains an inline credential",
  user_username_required: "a username is required",
  user_username_invalid: "the username is not valid",
  user_username_in_use: "the username is already in use",
  user_username_disallowed: "that username is reserved",
  server_busy_with_user_work: "the server is busy with a user's websh or webftp session",
  api_insufficient_data: "no data exist for the requested range",
  webftp_transfer_in_progress: "the transfer is still in progress",
};

export function describeCode(code: string): string {
  return CODE_DESCRIPTIONS[code] ?? code;
}
