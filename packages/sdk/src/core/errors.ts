/**
 * Every error the SDK throws is an AlpaconError. HTTP failures are AlpaconApiError subclasses,
 * one per case a caller handles differently. None of them ever holds the token or the
 * Authorization header: they are built from the method, the path and the response body only.
 */
export class AlpaconError extends Error {
  override name = "AlpaconError";
  /**
   * The one next step, when the SDK knows it (most messages end with it). Callers that word
   * their own errors (the MCP server) show this rather than writing the advice again.
   */
  readonly hint: string | undefined;
  /**
   * True when the failed call may still have changed something: a POST whose answer was lost
   * or came back 5xx, a command cut off while running. Check before resending; never resend
   * blindly. False when it certainly did not (the API refused it, a read, nothing was sent).
   */
  readonly mayHaveTakenEffect: boolean;
  constructor(message?: string, options?: AlpaconErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.hint = options?.hint;
    this.mayHaveTakenEffect = options?.mayHaveTakenEffect ?? false;
  }
}

export interface AlpaconErrorOptions extends ErrorOptions {
  hint?: string | undefined;
  mayHaveTakenEffect?: boolean | undefined;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** A request with this method may change something on the server (everything but reads). */
export function mayChangeState(method: string | undefined): boolean {
  return method === undefined || !SAFE_METHODS.has(method.toUpperCase());
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
  /** Why, in words: `detail`, else the code described (`code` alone is machine-readable). */
  readonly reason: string | undefined;
  readonly requestId: string | undefined;
  readonly body: unknown;
  /** How long the server asked us to wait (`Retry-After`, on a 429 or a 503); undefined when it did not say. */
  readonly retryAfterMs: number | undefined;

  constructor(init: ApiErrorInit, hint?: string) {
    const parsed = parseErrorBody(init.body);
    const reason = parsed.detail ?? (parsed.code ? describeCode(parsed.code) : undefined);
    const where = init.context ? ` (${init.context})` : "";
    super(
      `${init.method} ${init.path}${where} failed with ${init.status}${reason ? `: ${reason}` : ""}${hint ? `. ${hint}` : ""}`,
      // The API refused a 4xx before acting; a 5xx may come after the change was made.
      { hint, mayHaveTakenEffect: init.status >= 500 && mayChangeState(init.method) },
    );
    this.reason = reason;
    this.status = init.status;
    this.method = init.method;
    this.path = init.path;
    this.code = parsed.code;
    this.source = parsed.source;
    this.detail = parsed.detail;
    this.requestId = init.requestId;
    this.body = init.body;
    this.retryAfterMs = init.retryAfterMs;
  }
}

export class AuthenticationError extends AlpaconApiError {
  override name = "AuthenticationError";
  constructor(init: ApiErrorInit, hint?: string) {
    const target = init.context ? ` for ${init.context}` : "";
    super(init, hint ?? `Check the API token${target}: it may be wrong, expired or revoked`);
  }
}

/** Officially a 401, but the token is fine: a caller must never be told to replace it. */
export class MfaRequiredError extends AuthenticationError {
  override name = "MfaRequiredError";
  constructor(init: ApiErrorInit, hint?: string) {
    super(
      init,
      hint ?? "Complete multi-factor authentication in the Alpacon web console, then retry",
    );
  }
}

export class PermissionDeniedError extends AlpaconApiError {
  override name = "PermissionDeniedError";
  constructor(init: ApiErrorInit, hint?: string) {
    super(init, hint ?? deniedHint(parseErrorBody(init.body).code));
  }
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

export function isWorkSessionCode(code: string | undefined): code is WorkSessionCode {
  return (WORK_SESSION_CODES as readonly (string | undefined)[]).includes(code);
}

function deniedHint(code: string | undefined): string {
  if (code === "api_token_acl_not_allowed")
    return "Ask a workspace admin to allow it in the token's ACL (Alpacon web console → API Token → the token → ACL), or use a token whose ACL allows it";
  if (isWorkSessionCode(code)) return WORK_SESSION_HINTS[code];
  return "Ask a workspace admin for the permission, or use the token of a user who has it";
}

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
  constructor(init: ApiErrorInit, hint?: string) {
    super(init, hint ?? "Check the id or name; it may have been deleted");
  }
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
  override readonly retryAfterMs: number | undefined;
  constructor(init: ApiErrorInit, hint?: string) {
    super(
      init,
      hint ??
        (init.retryAfterMs === undefined
          ? "Slow down and retry later"
          : `Retry after ${Math.ceil(init.retryAfterMs / 1000)} s`),
    );
    this.retryAfterMs = init.retryAfterMs;
  }
}

export class ServerError extends AlpaconApiError {
  override name = "ServerError";
  constructor(init: ApiErrorInit, hint?: string) {
    super(
      init,
      hint ??
        `The Alpacon server had a problem; retry later${init.requestId ? `, and if it keeps failing, report the request id (${init.requestId}) to Alpacon support` : ""}`,
    );
  }
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
  /** What the parser said, when it was the body rather than its type that was wrong. */
  readonly reason: string | undefined;
  constructor(init: {
    method?: string | undefined;
    path?: string | undefined;
    status?: number | undefined;
    contentType?: string | undefined;
    reason?: string | undefined;
  }) {
    const what = init.method && init.path ? `${init.method} ${init.path}` : "An API call";
    const got = init.contentType ? `${init.contentType}` : "a body that is not valid JSON";
    const hint =
      "Check that the base URL points at the Alpacon API, not a web page, a proxy or a login portal";
    super(
      `${what} got ${init.status ? `HTTP ${init.status} with ` : ""}${got} instead of JSON${init.reason ? ` (${init.reason})` : ""}. ${hint}.`,
      // Something answered 2xx: a change may have been made, unless it was a read.
      { hint, mayHaveTakenEffect: mayChangeState(init.method) },
    );
    this.reason = init.reason;
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
  /** What went wrong on the way (`ECONNREFUSED`, `socket hang up`, …). */
  readonly reason: string;
  constructor(method: string, path: string, reason: string, options?: ErrorOptions) {
    const hint = "Check the network and that the Alpacon URL is reachable";
    super(`${method} ${path} failed: ${reason}. ${hint}.`, {
      ...options,
      hint,
      mayHaveTakenEffect: mayChangeState(method) && !neverSent(options?.cause),
    });
    this.method = method;
    this.path = path;
    this.reason = reason;
  }
}

// Failures before a connection existed: no byte of the request left this machine.
const NOT_SENT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
]);

function neverSent(cause: unknown): boolean {
  // fetch wraps the socket's error: `TypeError: fetch failed` with the errno error as its cause.
  for (let depth = 0; depth < 4 && cause instanceof Error; depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === "string" && NOT_SENT_CODES.has(code)) return true;
    cause = cause.cause;
  }
  return false;
}

export class TimeoutError extends AlpaconError {
  override name = "TimeoutError";
  readonly method: string;
  readonly path: string;
  readonly timeoutMs: number;
  constructor(method: string, path: string, timeoutMs: number) {
    const hint = "Retry, or raise timeoutMs";
    super(`${method} ${path} timed out after ${timeoutMs} ms. ${hint}.`, {
      hint,
      mayHaveTakenEffect: mayChangeState(method),
    });
    this.method = method;
    this.path = path;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The caller's AbortSignal fired. `mayHaveTakenEffect` is set where a change was under way (a
 * POST in flight, a running command interrupted).
 */
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
