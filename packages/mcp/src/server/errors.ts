import {
  AbortedError,
  AlpaconApiError,
  AlpaconError,
  AuthenticationError,
  ConfigError,
  ConflictError,
  ConnectionError,
  InvalidResponseError,
  MfaRequiredError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  RedirectError,
  ServerError,
  TimeoutError,
  ValidationError,
  WebftpTransferError,
  WebshClosedError,
  WebshHandshakeError,
  type WorkSessionCode,
  WorkSessionError,
} from "@alpacon/sdk";
import { LocalFileError } from "@alpacon/sdk/node";
import { requestStepUp } from "./step-up.js";

/** A failure the tool itself detects, with the reason and the next step already in words. */
export class ToolError extends Error {
  override name = "ToolError";
  constructor(
    readonly why: string,
    readonly todo: string,
  ) {
    super(`${why}. ${todo}`);
  }
}

export interface FailureContext {
  tool: string;
  workspace?: string | undefined;
  region?: string | undefined;
  server?: string | undefined;
  /** Tool-specific advice for a 404, e.g. "List servers with servers_list". */
  notFound?: string | undefined;
  /** Tool-specific advice for a plain 403 (not an ACL or work-session refusal). */
  forbidden?: string | undefined;
}

/**
 * Every error becomes three answers: what failed (tool, workspace, server), why (the API's own
 * detail or code in words), and what to do next. No stack traces, no tokens, no HTML.
 */
export function describeFailure(error: unknown, context: FailureContext): string {
  const { why, todo } = explain(error, context);
  return `${whatFailed(context)}\nWhy: ${sentence(why)}\nWhat to do: ${sentence(todo)}`;
}

/** The "why" of `describeFailure` alone: for a part of a result that failed while others did not. */
export function failureReason(error: unknown, context: FailureContext): string {
  return explain(error, context).why;
}

function whatFailed(context: FailureContext): string {
  const where = [
    context.workspace && `workspace ${context.workspace}`,
    context.region && `region ${context.region}`,
    context.server && `server ${context.server}`,
  ].filter(Boolean);
  return `${context.tool} failed${where.length ? ` (${where.join(", ")})` : ""}.`;
}

/**
 * Why from the error's class and fields (never its message text); what to do from the SDK's
 * hint, except where this server knows better: a tool's own `notFound`/`forbidden`, and steps
 * that are MCP actions (a tool, a tool argument, the alpacon-mcp CLI, a person's approval).
 */
function explain(error: unknown, context: FailureContext): { why: string; todo: string } {
  const advice = explainByClass(error, context);
  // A call that may have changed something is never to be resent blindly.
  if (error instanceof AlpaconError && error.mayHaveTakenEffect) {
    return {
      why: advice.why,
      todo: `It may already have taken effect: check the current state before calling ${context.tool} again. ${advice.todo}`,
    };
  }
  return advice;
}

function explainByClass(error: unknown, context: FailureContext): { why: string; todo: string } {
  if (error instanceof ToolError) return { why: error.why, todo: error.todo };
  if (error instanceof LocalFileError) {
    return {
      why: error.message,
      todo: error.hint ?? "Choose another local path, or move away what is in the way, then retry",
    };
  }
  if (error instanceof ConfigError) {
    return {
      why: error.message,
      todo: error.hint ?? "Fix the configuration as described, then retry",
    };
  }
  if (error instanceof MfaRequiredError || error instanceof WorkSessionError) {
    return gateAdvice(
      error.code ?? "auth_mfa_required",
      error.source,
      error.detail,
      context.server,
    );
  }
  if (error instanceof AuthenticationError) {
    // Signed in through this server's OAuth: a refused token (revoked, signed out) means a new
    // sign-in in the client, not a token file.
    const reauth = requestStepUp("login");
    if (reauth) {
      return {
        why: `Alpacon refused this person's sign-in token (HTTP 401${detail(error)})`,
        todo: `${reauth === "challenge" ? "Your MCP client was asked to sign in again (HTTP 401). If no browser window opened, ask" : "Ask"} the user to re-authorize this server in their MCP client, then retry`,
      };
    }
    return {
      why: `the API token was rejected (HTTP 401${detail(error)})`,
      // A terminal keeps the token out of the chat transcript; auth_set_token is the fallback.
      todo: `Ask the user to run \`alpacon-mcp auth set${authSetArgs(context)}\` in a terminal (the token then stays out of this chat) or to set the ${tokenVariable(context)} variable, then retry. Only if they cannot use a terminal, auth_set_token${targetArgs(context)} saves a token they give. Tokens are made on the API Token page of the Alpacon web console`,
    };
  }
  if (error instanceof PermissionDeniedError) return explainDenied(error, context);
  if (error instanceof NotFoundError && error.path.endsWith("_url>")) {
    return {
      why: `the file storage answered 404 for ${error.path} (the presigned URL expired or the transfer was removed)`,
      todo: "Start the transfer again",
    };
  }
  if (error instanceof NotFoundError) {
    return {
      why: `the API answered 404 Not Found for ${error.method} ${error.path}${detail(error)}`,
      // The list tools' names are this server's, so they beat the SDK's generic hint.
      todo:
        context.notFound ?? "Check the id; the list tools (servers_list, …) show the valid ones",
    };
  }
  if (error instanceof ValidationError) return explainInvalid(error, context);
  if (error instanceof ConflictError) {
    return {
      why: `the API reported a conflict (HTTP 409${detail(error)})`,
      todo: error.hint ?? "Fetch the current state, adjust the arguments, then retry",
    };
  }
  if (error instanceof RateLimitError) {
    return {
      why: "Alpacon is rate-limiting this token (HTTP 429)",
      todo: error.hint ?? "Wait a minute, then retry",
    };
  }
  if (error instanceof ServerError) {
    return {
      why: `the Alpacon server failed (HTTP ${error.status}${detail(error)}${error.requestId ? `, request id ${error.requestId}` : ""})`,
      todo: error.hint ?? "Retry in a little while",
    };
  }
  if (error instanceof RedirectError) {
    return {
      why: `the API answered with a redirect (HTTP ${error.status}${error.target ? ` to ${error.target}` : ""}), which is never followed: it could carry the token or the request to another host`,
      // Names where this server takes the URL from, which the SDK's hint cannot.
      todo: "Check the workspace URL in the token file or the …_URL variable: it must be the API's own address (https://<workspace>.<region>.alpacon.io)",
    };
  }
  if (error instanceof InvalidResponseError) {
    return {
      why: `the answer was not JSON (${error.contentType ?? "unparseable body"}${error.path ? ` for ${error.method} ${error.path}` : ""}); a proxy, a login portal or a wrong URL answered instead of the Alpacon API`,
      todo: error.hint ?? "Check the workspace URL and any proxy in between, then retry",
    };
  }
  if (error instanceof AlpaconApiError && error.status === 402) {
    return {
      why: `the workspace's plan does not include this action (HTTP 402${detail(error)})`,
      todo: "Retrying will not help: a workspace owner can upgrade the plan",
    };
  }
  if (error instanceof AlpaconApiError) {
    return {
      why: `the API answered HTTP ${error.status}${detail(error)}`,
      todo: error.hint ?? "Check the arguments and retry",
    };
  }
  if (error instanceof ConnectionError) {
    return {
      why: `no answer from Alpacon for ${error.method} ${error.path} (${error.reason})`,
      todo: error.hint ?? "Check the network and the workspace URL, then retry",
    };
  }
  if (error instanceof TimeoutError) {
    return {
      why: `${error.method} ${error.path} got no answer within ${error.timeoutMs < 1000 ? `${error.timeoutMs} ms` : `${Math.round(error.timeoutMs / 1000)} s`}`,
      // A tool has no timeoutMs argument (the SDK's hint): narrowing the request is the lever.
      todo: "Retry; if the workspace is slow, narrow the request (a smaller page or time range)",
    };
  }
  if (error instanceof WebftpTransferError) {
    return {
      why: `The ${error.direction} failed on the server (transfer ${error.transferId}): ${error.detail || "no reason given"}`,
      todo: error.hint ?? "Check the remote path and the user's permissions, then retry",
    };
  }
  if (error instanceof WebshClosedError) {
    const what = error.clean
      ? `the websh ${error.code === 4000 ? "session" : "connection"} was closed`
      : `the websh connection was lost (close code ${error.code}${error.reason ? `: ${error.reason}` : ""})`;
    return { why: `${what}${error.during ? `; ${error.during}` : ""}`, todo: NEW_WEBSH_SESSION };
  }
  if (error instanceof WebshHandshakeError) {
    return {
      why: `the websh server refused the connection${error.status ? ` (HTTP ${error.status})` : ""}: ${error.detail}`,
      todo: NEW_WEBSH_SESSION,
    };
  }
  if (error instanceof AbortedError || isAbort(error)) {
    return {
      why: "the call was cancelled before it finished",
      todo: "Nothing, unless you still want the result: then call the tool again",
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    why: `unexpected error: ${message}`,
    todo: "Retry once; if it happens again, report it to the alpacon-mcp maintainers with the tool name and arguments",
  };
}

// The SDK's hint says "open a new session"; here that is a tool, named so the model can call it.
const NEW_WEBSH_SESSION =
  "Open a new session with websh_session_create (or run the command with command_run), then retry";

function explainDenied(
  error: PermissionDeniedError,
  context: FailureContext,
): { why: string; todo: string } {
  if (error.code === "api_token_acl_not_allowed") {
    return {
      why: "the API token's access control list (ACL) does not allow this request (the command, the server, or changes at all)",
      todo: error.hint ?? "Ask a workspace admin to allow it in the token's ACL",
    };
  }
  return {
    why: `the token's user is not allowed to do this (HTTP 403${detail(error)})`,
    todo: context.forbidden ?? error.hint ?? "Ask a workspace admin for the permission",
  };
}

const OPERATION: Record<string, string> = {
  command: "running commands",
  websh: "opening a websh session",
  webftp: "transferring files",
};

const ATTACH =
  "then retry with workSession: <its id> (or start alpacon-mcp with ALPACON_WORK_SESSION=<its id> so every call uses it)";

const WORK_SESSION_ADVICE: Record<WorkSessionCode, { why: string; todo: string }> = {
  work_session_required: {
    why: "this workspace requires a work session for {op}, and this call named none (work_session_required)",
    todo: `Request one with work_session_create, or ask the user to open a work session in the Alpacon web console, with the "{scope}" scope and {server}; a person must approve it. Once work_session_get shows it active, ${ATTACH}. Personal and service API tokens are not subject to this gate`,
  },
  work_session_not_active: {
    why: "the work session is not active yet: it waits for a person's approval (work_session_not_active)",
    todo: "A person must approve it in the Alpacon web console (or Slack); you cannot approve it. Retry once work_session_get shows it active, without resubmitting anything else",
  },
  work_session_expired: {
    why: "the work session has expired (work_session_expired)",
    todo: `Extend it with work_session_extend, or request a new one with work_session_create and have it approved; ${ATTACH}`,
  },
  work_session_not_usable: {
    why: "the work session cannot be used: it is unknown here or has ended (work_session_not_usable)",
    todo: `Request a new one with work_session_create (or in the Alpacon web console) and have it approved; ${ATTACH}`,
  },
  work_session_scope_not_allowed: {
    why: 'the work session does not include the "{scope}" scope needed for {op} (work_session_scope_not_allowed)',
    todo: `Add the "{scope}" scope with work_session_update (a person must approve the change), or request a session that has it; ${ATTACH}`,
  },
  work_session_server_not_allowed: {
    why: "{server_cap} is not part of the work session (work_session_server_not_allowed)",
    todo: `Ask the user to add {server} to it, or do it with work_session_update (a person must approve the change), or request a session that includes it; ${ATTACH}`,
  },
  work_session_assignee_mismatch: {
    why: "the work session is assigned to another user or agent (work_session_assignee_mismatch)",
    todo: `Use a work session assigned to this token's user (work_session_list shows them), or request one with work_session_create; ${ATTACH}`,
  },
};

/**
 * What to tell the user about an MFA or work-session refusal, whatever carried it (an error, or
 * one server's result of command_run). `source` is the API's `command`, `websh` or `webftp`.
 */
export function gateAdvice(
  code: string,
  source: string | undefined,
  apiDetail: string | undefined,
  server: string | undefined,
): { why: string; todo: string } {
  const op = (source && OPERATION[source]) ?? "this operation";
  if (code === "auth_mfa_required") {
    const why = `Alpacon requires a fresh multi-factor authentication for ${op}${server ? ` on server ${server}` : ""} (auth_mfa_required${apiDetail ? `: ${apiDetail}` : ""})`;
    // Signed in through this server's OAuth: the HTTP answer asks the client to sign in again.
    const stepUp = requestStepUp("mfa");
    if (stepUp) {
      return {
        why,
        todo: `${stepUp === "challenge" ? "Your MCP client was asked to sign in again with multi-factor authentication (HTTP 401, scope mfa). If no browser window opened, ask" : "Ask"} the user to re-authorize this server in their MCP client (sign in again and complete MFA), then retry. You cannot complete MFA yourself`,
      };
    }
    return {
      why,
      todo: "Ask the user to complete multi-factor authentication for this workspace in the Alpacon web console (sign in and finish the MFA step there), then retry. You cannot complete MFA yourself, and the token is fine: do not replace it",
    };
  }
  const advice = WORK_SESSION_ADVICE[code as WorkSessionCode] ?? {
    why: `the work-session gate refused the call (${code})`,
    todo: `Check the work session in the Alpacon web console; ${ATTACH}`,
  };
  const fill = (text: string) =>
    text
      .replaceAll("{op}", op)
      .replaceAll("{scope}", source ?? "the operation's")
      .replaceAll("{server_cap}", server ? `Server ${server}` : "The server")
      .replaceAll("{server}", server ? `server ${server}` : "the target server");
  return { why: fill(advice.why), todo: fill(advice.todo) };
}

function explainInvalid(
  error: ValidationError,
  context: FailureContext,
): { why: string; todo: string } {
  if (error.code === "api_insufficient_data") {
    return {
      why: "there are no data for the requested range (api_insufficient_data)",
      todo: "Widen the time range, or check that the server's agent is connected and reporting",
    };
  }
  const fields = Object.entries(error.fieldErrors)
    .map(([field, messages]) =>
      field === "non_field_errors" ? messages.join(" ") : `${field}: ${messages.join(" ")}`,
    )
    .join("; ");
  return {
    why: `the API refused the request (HTTP ${error.status}): ${fields || error.detail || error.code || "no reason given"}`,
    // The API answers an unknown server id in a query with a field error, not a 404.
    todo:
      "server" in error.fieldErrors && context.notFound
        ? `Correct the arguments named above and retry. ${context.notFound}`
        : "Correct the arguments named above and retry",
  };
}

function detail(error: AlpaconApiError): string {
  const text = error.detail ?? error.code;
  return text ? `: ${text}` : "";
}

function targetArgs(context: FailureContext): string {
  if (!context.workspace) return "";
  return ` (workspace "${context.workspace}"${context.region ? `, region "${context.region}"` : ""})`;
}

function authSetArgs(context: FailureContext): string {
  return `${context.workspace ? ` --workspace ${context.workspace}` : ""}${context.region ? ` --region ${context.region}` : ""}`;
}

function tokenVariable(context: FailureContext): string {
  const region = (context.region ?? "<region>").toUpperCase();
  // A variable name cannot hold "-": my-team is MY_TEAM.
  const workspace = (context.workspace ?? "<workspace>").toUpperCase().replaceAll("-", "_");
  return `ALPACON_MCP_${region}_${workspace}_TOKEN`;
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === "AbortError" || error.name === "AbortedError");
}

function sentence(text: string): string {
  const trimmed = text.trim();
  const last = trimmed.at(-1);
  return last !== undefined && ".!?".includes(last) ? trimmed : `${trimmed}.`;
}

// API tokens look like `alpat-…` (session tokens `alpst-…`), JWTs like `eyJ….….…`; an
// Authorization header carries `Bearer …` or `token="…"`; websh URLs end in a single-use token.
const TOKEN_SHAPES: ReadonlyArray<[RegExp, string]> = [
  [/(authorization["']?\s*[:=]\s*["']?)(?:\\.|[^\\"'\r\n,}])+/gi, "$1[redacted]"],
  [/\b(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/g, "$1[redacted]"],
  [/(\btoken=["']?)[^"'\s,;&]+/gi, "$1[redacted]"],
  [/alp[as]t-[A-Za-z0-9_-]+/g, "[redacted]"],
  [/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g, "[redacted]"],
  [/(\/ws\/[a-z]+\/[^/\s]+\/[^/\s]+\/)[^/\s"']+/g, "$1[redacted]"],
];

// A cheap first look: every shape above contains one of these words (any case), so text
// without any of them (and without a configured token) needs no replacing. One case-insensitive
// pattern costs less than the replacing regexes, and less than lower-casing and searching.
const SHAPE_HINT = /authorization|bearer|token=|alp[as]t-|eyj|\/ws\//i;

/** Whether `text` may hold a token: false means `redact` would return it unchanged. */
function mayHoldToken(text: string, secrets: readonly string[]): boolean {
  for (const secret of secrets) if (text.includes(secret)) return true;
  return SHAPE_HINT.test(text);
}

/** Removes every configured token and anything shaped like one from text bound for the client. */
export function redact(text: string, secrets: readonly string[]): string {
  if (!mayHoldToken(text, secrets)) return text;
  let out = text;
  for (const secret of secrets) out = out.split(secret).join("[redacted]");
  for (const [shape, replacement] of TOKEN_SHAPES) out = out.replace(shape, replacement);
  return out;
}

/**
 * `redact` applied to every string of a JSON value (object keys are left alone). The strings are
 * looked at where they are: without a hit the value is returned as it is, with no copy and no
 * serialization, which cost several times more than this walk (bench/README, B2).
 */
export function redactDeep(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === "string") return redact(value, secrets);
  if (!holdsToken(value, secrets)) return value;
  return JSON.parse(JSON.stringify(value), (_key, item: unknown) =>
    typeof item === "string" ? redact(item, secrets) : item,
  );
}

function holdsToken(value: unknown, secrets: readonly string[]): boolean {
  if (typeof value === "string") return mayHoldToken(value, secrets);
  if (value === null || typeof value !== "object") return false;
  if (Array.isArray(value)) return value.some((item) => holdsToken(item, secrets));
  for (const key in value) {
    if (holdsToken((value as Record<string, unknown>)[key], secrets)) return true;
  }
  return false;
}
