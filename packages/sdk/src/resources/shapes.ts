/**
 * Tolerant reading of the shapes where the official clients' evidence is split
 * (openapi/README.md, "Where the evidence is split"). Each normaliser accepts every shape an
 * official client accepts and answers the one the SDK's types promise, so callers never branch.
 */
import { AlpaconError } from "../core/errors.js";
import type { Page } from "../core/pagination.js";
import type { Schemas } from "../core/types.js";

export type ServerSummary = Schemas["ServerSummary"];
export type UserSummary = Schemas["UserSummary"];

/**
 * A server named by another object. Nested summaries carry `name`, `os` and `is_connected`;
 * when the API sent a bare UUID only `id` is known.
 */
export type ServerRef = Pick<ServerSummary, "id"> & Partial<Omit<ServerSummary, "id">>;
/** A user named by another object; only `id` is known when the API sent a bare UUID. */
export type UserRef = Pick<UserSummary, "id"> & Partial<Omit<UserSummary, "id">>;

/** A summary stays as it is; a bare UUID becomes `{ id }`. */
export function toServerRef(value: Schemas["ServerRef"]): ServerRef {
  return typeof value === "string" ? { id: value } : value;
}

export function toUserRef(value: Schemas["UserRef"]): UserRef {
  return typeof value === "string" ? { id: value } : value;
}

/** How a person reads a server reference: its name when the API sent one, else its id. */
export function serverLabel(ref: { id: string; name?: string | undefined }): string {
  return ref.name ?? ref.id;
}

/** Applies a normaliser to every item of a page. */
export function mapPage<T, U>(page: Page<T>, map: (item: T) => U): Page<U> {
  return { ...page, results: page.results.map(map) };
}

/**
 * A list that arrives as a bare array or inside an envelope (`results`, or `data` for the
 * `top/` rankings). Anything else is an empty list only when it is `null`; other shapes throw,
 * so a changed API is noticed rather than read as "no data".
 */
export function listOf<T>(body: T[] | { results: T[] } | { data: T[] } | null | undefined): T[] {
  if (Array.isArray(body)) return body;
  if (body === null || body === undefined) return [];
  if (Array.isArray((body as { results?: unknown }).results))
    return (body as { results: T[] }).results;
  if (Array.isArray((body as { data?: unknown }).data)) return (body as { data: T[] }).data;
  throw new AlpaconError(
    `The API answered a list in an unknown shape (an object with keys ${Object.keys(body).join(", ") || "(none)"}; expected an array, "results" or "data"). Please report it to the maintainers with the endpoint.`,
  );
}

/**
 * A one-row `/api/proc/` answer: a page envelope (the OSS viewsets) or the row itself (the
 * reference MCP's fixtures). A lone row becomes a page of one.
 */
export function pageOf<T extends object>(body: Page<T> | T): Page<T> {
  if (Array.isArray((body as Page<T>).results)) return body as Page<T>;
  return { count: 1, current: 1, next: null, previous: null, last: 1, results: [body as T] };
}
