/** The page-number envelope every Alpacon list endpoint returns. */
export interface Page<T> {
  count: number;
  current: number;
  /** The next page's number, or null on the last page. */
  next: number | null;
  previous: number | null;
  last: number;
  results: T[];
}

export interface IterateOptions {
  /** Stop after this many items in total. */
  limit?: number | undefined;
  /** Items per request (1-100, the API's cap); defaults to 100 to make the fewest requests. */
  pageSize?: number | undefined;
}

export interface PageQuery {
  page?: number;
  page_size?: number;
}

/** Walks every page of a list, one request at a time, stopping early at `limit`. */
export async function* iteratePages<T, Q extends PageQuery>(
  fetchPage: (query: Q) => Promise<Page<T>>,
  query: Q,
  options: IterateOptions = {},
): AsyncGenerator<T, void, undefined> {
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  if (limit <= 0) return;
  let yielded = 0;
  let page: number | null = query.page ?? 1;
  while (page !== null) {
    const result = await fetchPage({ ...query, page, page_size: options.pageSize ?? 100 });
    for (const item of result.results) {
      yield item;
      yielded += 1;
      if (yielded >= limit) return;
    }
    // The CLI's pages end on `next` 0 as well as null (Go decodes both to 0): accept both.
    const next = result.next;
    page = result.results.length === 0 || !(typeof next === "number" && next > 0) ? null : next;
  }
}

/**
 * A page of a cursor list (the history lists: activity, server and WebFTP logs). `next` is the
 * cursor of the following page, null on the last one (the API's `""`, `null` and a missing
 * `next` all read as null). `count` is there when the API sent it.
 */
export interface CursorPage<T> {
  next: string | null;
  count?: number;
  results: T[];
}

export interface CursorQuery {
  cursor?: string;
  page?: number;
  page_size?: number;
}

/** The API's cursor envelope (`{next, results}`, or `{results, count}`) as a `CursorPage`. */
export function toCursorPage<T>(raw: {
  next?: string | null;
  count?: number;
  results: T[];
}): CursorPage<T> {
  return {
    next: typeof raw.next === "string" && raw.next !== "" ? raw.next : null,
    ...(typeof raw.count === "number" ? { count: raw.count } : {}),
    results: raw.results,
  };
}

/**
 * Walks a cursor list, following each page's `next` token with the same `page_size`, until a page
 * ends without one. Where the API answers `{results, count}` with no `next` at all (the reference
 * MCP's fixtures), it walks page numbers instead until `count` items were read.
 */
export async function* iterateCursor<T, Q extends CursorQuery>(
  fetchPage: (query: Q) => Promise<CursorPage<T>>,
  query: Q,
  options: IterateOptions = {},
): AsyncGenerator<T, void, undefined> {
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  if (limit <= 0) return;
  const { cursor: _ignored, page: _page, ...rest } = query;
  const pageSize = options.pageSize ?? 100;
  let yielded = 0;
  let next: Partial<CursorQuery> = {};
  for (;;) {
    const result = await fetchPage({ ...rest, ...next, page_size: pageSize } as Q);
    for (const item of result.results) {
      yield item;
      yielded += 1;
      if (yielded >= limit) return;
    }
    if (result.results.length === 0) return;
    if (result.next !== null) next = { cursor: result.next };
    else if (result.count !== undefined && yielded < result.count && next.cursor === undefined)
      next = { page: (next.page ?? 1) + 1 };
    else return;
  }
}
