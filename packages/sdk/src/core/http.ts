import type { paths } from "../generated/openapi.js";
import { parseRetryAfter, toApiError } from "./error-mapping.js";
import {
  AbortedError,
  AlpaconError,
  ConnectionError,
  InvalidResponseError,
  mayChangeState,
  RedirectError,
  TimeoutError,
} from "./errors.js";
import { isIdempotent, withRetries } from "./retry.js";
import {
  isDeadlineError,
  type RequestOptions,
  type TransportResponse,
  type TransportSettings,
} from "./transport.js";

/*
 * A typed `request()` over the generated `paths`, in openapi-fetch's call shape
 * (`http.GET("/api/servers/servers/{id}/", { params: { path: { id } } })`), so a resource
 * names a path and gets its parameter, body and answer types from the spec. It builds the URL,
 * adds auth and identity headers, retries idempotent methods (core/retry.ts), sends through
 * the client's Transport with an explicit deadline, and turns every non-2xx answer into a
 * typed error.
 */

type Method = "get" | "post" | "put" | "patch" | "delete";
type PathsWith<M extends Method> = {
  [P in keyof paths]: paths[P] extends { [K in M]: object } ? P : never;
}[keyof paths];
type Operation<P extends keyof paths, M extends Method> = paths[P] extends { [K in M]: infer Op }
  ? Op
  : never;

type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
type Params<Op> = Op extends { parameters: infer P }
  ? RequiredKeys<P> extends never
    ? { params?: P }
    : { params: P }
  : { params?: never };
// An operation that also takes `multipart/form-data` (package uploads) takes a FormData instead.
type Body<Op> = Op extends {
  requestBody: { content: { "multipart/form-data": unknown; "application/json": infer B } };
}
  ? { body: B; form?: never } | { form: FormData; body?: never }
  : Op extends { requestBody: { content: { "application/json": infer B } } }
    ? { body: B }
    : Op extends { requestBody?: { content: { "application/json": infer B } } }
      ? { body?: B }
      : { body?: never };
export type CallInit<Op> = Params<Op> & Body<Op> & { options?: RequestOptions | undefined };
type Args<Op> =
  RequiredKeys<CallInit<Op>> extends never ? [init?: CallInit<Op>] : [init: CallInit<Op>];

type SuccessStatus = 200 | 201 | 202 | 203 | 204 | 206;
type Answer<R> = R extends { content: { "application/json": infer B } } ? B : undefined;
type Success<Op> = Op extends { responses: infer R }
  ? { [S in keyof R]: S extends SuccessStatus ? Answer<R[S]> : never }[keyof R]
  : never;

type CallMethod<M extends Method> = <P extends PathsWith<M>>(
  path: P,
  ...init: Args<Operation<P, M>>
) => Promise<{ data: Success<Operation<P, M>> }>;

export interface Http {
  GET: CallMethod<"get">;
  POST: CallMethod<"post">;
  PUT: CallMethod<"put">;
  PATCH: CallMethod<"patch">;
  DELETE: CallMethod<"delete">;
}

interface UntypedInit {
  params?: { path?: Record<string, unknown>; query?: Record<string, unknown> };
  body?: unknown;
  form?: FormData;
  options?: RequestOptions | undefined;
}

export function createHttp(settings: TransportSettings): Http {
  const base = settings.baseUrl.replace(/\/+$/, "");
  const method =
    (name: string) =>
    (path: string, init: UntypedInit = {}): Promise<{ data: unknown }> =>
      call(settings, base, name, path, init);
  // The typed facade over one untyped implementation: the types come from `paths` above.
  return {
    GET: method("GET"),
    POST: method("POST"),
    PUT: method("PUT"),
    PATCH: method("PATCH"),
    DELETE: method("DELETE"),
  } as Http;
}

const JSON_TYPE = /json/i;
const utf8 = new TextDecoder();

async function call(
  settings: TransportSettings,
  base: string,
  method: string,
  template: string,
  init: UntypedInit,
): Promise<{ data: unknown }> {
  const options = init.options ?? {};
  const path = fillPath(template, init.params?.path);
  const url = `${base}${path}${queryString(init.params?.query)}`;
  const deadlineMs = options.timeoutMs ?? settings.timeoutMs;
  const signal = options.signal;
  const headers: Record<string, string> = {
    "User-Agent": settings.userAgent,
    Accept: "application/json",
  };
  let body: string | Uint8Array | undefined;
  if (init.form !== undefined) {
    // Encoded once, by the platform, so every transport sends the same bytes and boundary.
    const encoded = new Request("http://multipart.invalid/", { method: "POST", body: init.form });
    body = new Uint8Array(await encoded.arrayBuffer());
    headers["Content-Type"] = encoded.headers.get("content-type") as string;
  } else if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers["Content-Type"] = "application/json";
  }
  const retries = isIdempotent(method) ? (options.maxRetries ?? settings.maxRetries) : 0;

  const attempt = async (number: number): Promise<TransportResponse> => {
    // Asked before each attempt: a token provider may hand out a fresh token.
    headers.Authorization = await settings.authorization();
    const started = performance.now();
    let response: TransportResponse;
    try {
      response = await settings.transport.send({ method, url, headers, body, deadlineMs, signal });
    } catch (error) {
      if (signal?.aborted) throw aborted(method, path, error);
      if (isDeadlineError(error)) throw new TimeoutError(method, path, deadlineMs);
      throw new ConnectionError(method, path, describeNetworkError(error), { cause: error });
    }
    settings.logger.debug("alpacon request", {
      method,
      path,
      status: response.status,
      attempt: number,
      ms: Math.round(performance.now() - started),
    });
    if (response.status >= 200 && response.status < 300) return response;
    throw failureOf(settings, method, path, response);
  };

  try {
    const response = await withRetries(attempt, {
      retries,
      signal,
      onRetry: (error) =>
        settings.logger.warn("alpacon request will be retried", {
          method,
          path,
          error: (error as Error).message,
        }),
    });
    return { data: parse(method, path, response) };
  } catch (error) {
    if (error instanceof AlpaconError) throw error;
    if (signal?.aborted) throw aborted(method, path, error);
    throw error;
  }
}

function aborted(method: string, path: string, cause: unknown): AbortedError {
  return new AbortedError(`${method} ${path} was aborted`, {
    cause,
    mayHaveTakenEffect: mayChangeState(method),
  });
}

function failureOf(
  settings: TransportSettings,
  method: string,
  path: string,
  response: TransportResponse,
): AlpaconError {
  if (response.status === 0) {
    // A browser's fetch with redirect "manual" hides the status and the Location.
    return new RedirectError({
      status: 0,
      method,
      path,
      body: undefined,
      context: settings.context,
    });
  }
  return toApiError({
    status: response.status,
    method,
    path,
    body: parseLoosely(response.body),
    requestId: response.header("x-request-id") ?? undefined,
    retryAfterMs: parseRetryAfter(response.header("retry-after")),
    context: settings.context,
    location: response.header("location") ?? undefined,
  });
}

/** A 2xx answer's JSON; nothing for 204 or an empty body. */
function parse(method: string, path: string, response: TransportResponse): unknown {
  const type = response.header("content-type");
  // A page from a proxy or a web site becomes a typed error, not a SyntaxError (a missing type
  // is left to the parser).
  if (type !== null && !JSON_TYPE.test(type) && response.status !== 204) {
    throw new InvalidResponseError({ method, path, status: response.status, contentType: type });
  }
  if (response.status === 204 || response.body.length === 0) return undefined;
  try {
    return JSON.parse(utf8.decode(response.body));
  } catch (error) {
    throw new InvalidResponseError({ reason: (error as Error).message });
  }
}

function parseLoosely(bytes: Uint8Array): unknown {
  const text = utf8.decode(bytes);
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  if (cause?.code) return `${cause.code} ${cause.message ?? ""}`.trim();
  return error instanceof Error ? error.message : String(error);
}

/** `{id}` placeholders, each value percent-encoded so an id cannot change the route. */
function fillPath(template: string, values: Record<string, unknown> | undefined): string {
  if (!values) return template;
  return template.replace(/\{([^}]+)\}/g, (whole, name: string) => {
    const value = values[name];
    return value === undefined || value === null ? whole : encodeURIComponent(String(value));
  });
}

/** Form style, exploded (`a=1&a=2`), as openapi-fetch and the API's filters read it. */
function queryString(query: Record<string, unknown> | undefined): string {
  if (!query) return "";
  const parts: string[] = [];
  for (const name in query) {
    const value = query[name];
    if (value === undefined || value === null) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      parts.push(`${name}=${encodeURIComponent(String(item))}`);
    }
  }
  return parts.length === 0 ? "" : `?${parts.join("&")}`;
}
