import { ApiError } from "./errors.js";

export const DEFAULT_PAGE_SIZE = 15;
export const MAX_PAGE_SIZE = 100;

export interface Page<T> {
  count: number;
  current: number;
  next: number | null;
  previous: number | null;
  last: number;
  results: T[];
}

const invalidPage = (): ApiError => new ApiError(404, { detail: "Invalid page." });

/** DRF `_positive_int(strict=True, cutoff=100)`: anything unusable falls back to the default. */
export function pageSizeFrom(raw: string | null, fallback = DEFAULT_PAGE_SIZE): number {
  if (raw === null) return fallback;
  const trimmed = raw.trim();
  if (!/^[+-]?\d+$/.test(trimmed)) return fallback;
  const n = Number.parseInt(trimmed, 10);
  if (n <= 0) return fallback;
  return Math.min(n, MAX_PAGE_SIZE);
}

/**
 * Page-number pagination as alpacon-server's `MyPageNumberPagination`: `next`/`previous` are
 * page numbers (not URLs), `page=last` is accepted, out-of-range pages are 404 "Invalid page."
 */
export function paginate<T, R = T>(
  items: readonly T[],
  params: URLSearchParams,
  serialize?: (item: T) => R,
  defaultPageSize = DEFAULT_PAGE_SIZE,
): Page<R> {
  const size = pageSizeFrom(params.get("page_size"), defaultPageSize);
  const count = items.length;
  const last = Math.max(1, Math.ceil(count / size));
  const rawPage = params.get("page");
  let page = 1;
  if (rawPage !== null && rawPage !== "") {
    const trimmed = rawPage.trim();
    if (trimmed === "last") page = last;
    else if (/^[+-]?\d+$/.test(trimmed)) page = Number.parseInt(trimmed, 10);
    else throw invalidPage();
  }
  if (page < 1 || page > last) throw invalidPage();
  const start = (page - 1) * size;
  const slice = items.slice(start, start + size);
  return {
    count,
    current: page,
    next: page < last ? page + 1 : null,
    previous: page > 1 ? page - 1 : null,
    last,
    results: serialize ? slice.map(serialize) : (slice as unknown as R[]),
  };
}
