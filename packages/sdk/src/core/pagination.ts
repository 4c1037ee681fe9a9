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
