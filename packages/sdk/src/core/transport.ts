import pRetry from "p-retry";
import { fetchWithTimer, isDeadlineExceeded, takesDeadline, withDeadline } from "./deadline.js";
import { abortableDelay } from "./delay.js";
import { parseRetryAfter, toApiError } from "./error-mapping.js";
import {
  AbortedError,
  AlpaconApiError,
  AlpaconError,
  ConnectionError,
  InvalidResponseError,
  mayChangeState,
  RateLimitError,
  RedirectError,
  TimeoutError,
} from "./errors.js";
import type { Logger } from "./logger.js";

/** Per-call overrides every SDK method accepts as its last argument. */
export interface RequestOptions {
  signal?: AbortSignal | undefined;
  /** Per attempt; defaults to the client's `timeoutMs`. */
  timeoutMs?: number | undefined;
  /** Retries for idempotent methods; defaults to the client's `maxRetries`. */
  maxRetries?: number | undefined;
}

export interface TransportSettings {
  baseUrl: string;
  authorization: () => Promise<string>;
  fetch: typeof globalThis.fetch;
  /** For JSON API calls, whose bodies are read whole (see `apiFetch` in AlpaconClientOptions). */
  apiFetch: typeof globalThis.fetch;
  timeoutMs: number;
  maxRetries: number;
  userAgent: string;
  logger: Logger;
  /** "workspace acme (ap1)": named in error messages so users know which token to check. */
  context: string | undefined;
  /** Plain http allowed to non-loopback hosts: the base URL's and the storage URLs'. */
  allowInsecure?: boolean | undefined;
}

// POST and PATCH are absent on purpose: a repeated command creation runs the command twice.
const IDEMPOTENT_METHODS = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);
/** Statuses worth another try of an idempotent request (also used by the storage transfers). */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);
const MAX_RETRY_AFTER_MS = 60_000;
const JSON_TYPE = /json/i;
const BACKOFF = { minTimeout: 250, maxTimeout: 8_000, factor: 2, randomize: true };

/**
 * What openapi-fetch builds for each call (it takes the class as its `Request` option): the
 * parts of a request, kept as they are. A WHATWG `Request` here would be built twice per call,
 * once by openapi-fetch and once more inside `fetch` (a Headers copy and an AbortSignal each
 * time), which the hot path of every SDK call paid. The body is what openapi-fetch serialized (a
 * JSON string or FormData), so a retry sends it again as is.
 */
export class ApiRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  readonly body: NonNullable<RequestInit["body"]> | null;
  // openapi-fetch copies per-call options it does not know (the caller's `signal`) onto the request.
  signal: AbortSignal | undefined;

  constructor(url: string, init: RequestInit = {}) {
    this.url = url;
    this.method = (init.method ?? "GET").toUpperCase();
    // openapi-fetch hands over a Headers object it made for this request alone.
    this.headers = init.headers instanceof Headers ? init.headers : new Headers(init.headers);
    this.body = init.body ?? null;
    this.signal = init.signal ?? undefined;
  }
}

/**
 * Typed as `fetch` because that is what openapi-fetch takes; it is only ever called by
 * openapi-fetch, with the ApiRequest it built (client.ts passes the class as its `Request`).
 */
export type PolicyFetch = typeof globalThis.fetch;

/**
 * The fetch that openapi-fetch calls: adds auth and identity headers, applies the timeout,
 * retries idempotent requests with backoff, reads the body inside the timeout (so a stalled
 * or truncated body is caught here), and throws a typed error for every non-2xx answer.
 */
export function createPolicyFetch(
  settings: TransportSettings,
  overrides: RequestOptions = {},
): PolicyFetch {
  const timeoutMs = overrides.timeoutMs ?? settings.timeoutMs;
  const maxRetries = overrides.maxRetries ?? settings.maxRetries;
  const policyFetch = async (request: ApiRequest): Promise<Response> => {
    const { method, headers } = request;
    const path = apiPath(request.url, settings.baseUrl);
    const userSignal = overrides.signal ?? request.signal;
    const retries = IDEMPOTENT_METHODS.has(method) ? maxRetries : 0;
    headers.set("User-Agent", settings.userAgent);
    headers.set("Accept", "application/json");
    let attempt = 0;

    const runAttempt = async (): Promise<Response> => {
      attempt += 1;
      // Asked before each attempt: a token provider may hand out a fresh token.
      headers.set("Authorization", await settings.authorization());
      const started = performance.now();
      const response = await sendOnce(request, path, timeoutMs, userSignal, settings.apiFetch);
      settings.logger.debug("alpacon request", {
        method,
        path,
        status: response.status,
        attempt,
        ms: Math.round(performance.now() - started),
      });
      if (response.ok) {
        const type = response.headers.get("content-type");
        // One header read: a page from a proxy or a web site becomes a typed error here rather
        // than a SyntaxError inside openapi-fetch (a missing type is left to the parser).
        if (type === null || JSON_TYPE.test(type) || response.status === 204) return response;
        throw new InvalidResponseError({
          method,
          path,
          status: response.status,
          contentType: type,
        });
      }
      if (response.type === "opaqueredirect") {
        // A browser's fetch with redirect "manual" hides the status and the Location.
        throw new RedirectError({
          status: 0,
          method,
          path,
          body: undefined,
          context: settings.context,
        });
      }
      throw toApiError({
        status: response.status,
        method,
        path,
        body: await parseBody(response),
        requestId: response.headers.get("x-request-id") ?? undefined,
        retryAfterMs: parseRetryAfter(response.headers.get("retry-after")),
        context: settings.context,
        location: response.headers.get("location") ?? undefined,
      });
    };

    try {
      // Most calls succeed at once: p-retry (options, validation, its own promise) is only set
      // up once an attempt has failed and may be retried. It is handed that failure as its
      // first attempt, so its backoff and hooks treat it like any other.
      let firstFailure: unknown;
      try {
        return await runAttempt();
      } catch (error) {
        if (retries === 0 || !(error instanceof Error) || !isRetryable(error)) throw error;
        firstFailure = error;
      }
      const replayFirst = async () => {
        if (firstFailure === undefined) return runAttempt();
        const error = firstFailure;
        firstFailure = undefined;
        throw error;
      };
      return await pRetry(replayFirst, {
        retries,
        ...BACKOFF,
        ...(userSignal ? { signal: userSignal } : {}),
        // The caller awaits this call: its backoff timer must hold the process open. An unref'd
        // one let a script (or `alpacon-mcp auth set`) whose only pending work was a retry exit
        // with 13, "unsettled top-level await", printing nothing.
        shouldRetry: ({ error }) => isRetryable(error),
        onFailedAttempt: async ({ error, retriesLeft }) => {
          if (retriesLeft === 0 || !isRetryable(error)) return;
          settings.logger.warn("alpacon request will be retried", {
            method,
            path,
            error: error.message,
          });
          // Honour the server's Retry-After on top of the backoff p-retry applies, up to a cap.
          if (error instanceof RateLimitError && error.retryAfterMs) {
            await abortableDelay(Math.min(error.retryAfterMs, MAX_RETRY_AFTER_MS), userSignal);
          }
        },
      });
    } catch (error) {
      if (error instanceof AlpaconError) throw error;
      if (userSignal?.aborted)
        throw new AbortedError(`${method} ${path} was aborted`, {
          cause: error,
          mayHaveTakenEffect: mayChangeState(method),
        });
      throw error;
    }
  };
  return policyFetch as unknown as PolicyFetch;
}

async function sendOnce(
  request: ApiRequest,
  path: string,
  timeoutMs: number,
  userSignal: AbortSignal | undefined,
  fetchImpl: typeof globalThis.fetch,
): Promise<Response> {
  const { method, headers, body, url } = request;
  // Never followed: a redirect could take the token and the body to another host, and a 307
  // would send a command's POST again. The answer becomes a RedirectError.
  const init: RequestInit = {
    method,
    headers,
    body,
    signal: userSignal ?? null,
    redirect: "manual",
  };
  try {
    // Either way the body has been read (pages are small) within the deadline.
    return takesDeadline(fetchImpl)
      ? await fetchImpl(url, withDeadline(init, timeoutMs))
      : await fetchWithTimer(fetchImpl, url, init, timeoutMs);
  } catch (error) {
    if (userSignal?.aborted)
      throw new AbortedError(`${method} ${path} was aborted`, {
        cause: error,
        mayHaveTakenEffect: mayChangeState(method),
      });
    if (isDeadlineExceeded(error)) throw new TimeoutError(method, path, timeoutMs);
    throw new ConnectionError(method, path, describeNetworkError(error), { cause: error });
  }
}

function isRetryable(error: Error): boolean {
  if (error instanceof AlpaconApiError) return RETRYABLE_STATUSES.has(error.status);
  return error instanceof ConnectionError || error instanceof TimeoutError;
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  if (cause?.code) return `${cause.code} ${cause.message ?? ""}`.trim();
  return error instanceof Error ? error.message : String(error);
}

async function parseBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function apiPath(url: string, baseUrl: string): string {
  // openapi-fetch builds every URL as the base URL (no trailing slash) + path + query: the path
  // is what lies between, without parsing either (this runs on every request).
  const base = baseUrl.endsWith("/") ? baseUrl.replace(/\/+$/, "") : baseUrl;
  if (url.startsWith(base) && url.charCodeAt(base.length) === 47 /* "/" */) {
    const end = url.search(/[?#]/);
    return url.slice(base.length, end === -1 ? undefined : end);
  }
  const pathname = new URL(url).pathname;
  const prefix = new URL(baseUrl).pathname.replace(/\/+$/, "");
  return prefix && pathname.startsWith(prefix) ? pathname.slice(prefix.length) : pathname;
}
