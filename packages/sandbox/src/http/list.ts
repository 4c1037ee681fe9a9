import { fieldErrors } from "./errors.js";

export type SortValue = string | number | boolean | null | undefined;

export const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** How one query parameter narrows a list (django-filter semantics per kind). */
export type FilterSpec<T> =
  | { kind: "uuid"; get: (item: T) => string | readonly string[] | null | undefined }
  | { kind: "bool"; get: (item: T) => boolean }
  | { kind: "exact"; get: (item: T) => string | null | undefined }
  | { kind: "int"; op: "eq" | "gte" | "lte"; get: (item: T) => number }
  | { kind: "custom"; test: (item: T, value: string) => boolean };

export interface ListSpec<T> {
  filters?: Record<string, FilterSpec<T>>;
  /** Lower-cased text DRF's SearchFilter would look at; absent = `search` is ignored. */
  search?: (item: T) => string;
  ordering?: Record<string, (item: T) => SortValue>;
  defaultOrdering?: readonly string[];
}

function compare(a: SortValue, b: SortValue): number {
  // Postgres puts NULLs last in ascending order.
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  return Number(a) - Number(b);
}

function comparator<T>(
  keys: readonly string[],
  ordering: Record<string, (item: T) => SortValue>,
): (a: T, b: T) => number {
  const parts = keys.map((key) => {
    const desc = key.startsWith("-");
    const get = ordering[desc ? key.slice(1) : key] as (item: T) => SortValue;
    return { desc, get };
  });
  return (a, b) => {
    for (const { desc, get } of parts) {
      const c = compare(get(a), get(b));
      if (c !== 0) return desc ? -c : c;
    }
    return 0;
  };
}

/**
 * A list that changes rarely and is read often: sorted copies are cached per ordering until the
 * next mutation, so listing 10,000 servers is a filter pass plus a slice, never a sort.
 */
export class Collection<T> {
  private items: T[] = [];
  private readonly sorted = new Map<string, T[]>();

  constructor(initial: readonly T[] = []) {
    this.items = initial.slice();
  }

  all(): readonly T[] {
    return this.items;
  }

  get size(): number {
    return this.items.length;
  }

  add(item: T): void {
    this.items.push(item);
    this.sorted.clear();
  }

  remove(predicate: (item: T) => boolean): number {
    const before = this.items.length;
    this.items = this.items.filter((item) => !predicate(item));
    this.sorted.clear();
    return before - this.items.length;
  }

  /** Call after changing a field that ordering may depend on. */
  touch(): void {
    this.sorted.clear();
  }

  ordered(keys: readonly string[], ordering: Record<string, (item: T) => SortValue>): T[] {
    if (keys.length === 0) return this.items;
    const cacheKey = keys.join(",");
    let cached = this.sorted.get(cacheKey);
    if (!cached) {
      cached = this.items.slice().sort(comparator(keys, ordering));
      this.sorted.set(cacheKey, cached);
    }
    return cached;
  }
}

function parseBool(value: string): boolean | null {
  // django-filter's BooleanFilter widget: unknown values mean "no filter".
  const v = value.toLowerCase();
  if (v === "true" || v === "1") return true;
  if (v === "false" || v === "0") return false;
  return null;
}

/**
 * Applies filters, `search` and `ordering` from the query string as DRF + django-filter do:
 * unknown params are ignored, invalid values of a declared filter are a 400 field error,
 * unknown ordering fields are dropped silently.
 */
export function queryList<T>(
  source: Collection<T> | readonly T[],
  params: URLSearchParams,
  spec: ListSpec<T>,
): readonly T[] {
  const ordering = spec.ordering ?? {};
  let keys: readonly string[] = spec.defaultOrdering ?? [];
  const rawOrdering = params.get("ordering");
  if (rawOrdering) {
    const requested = rawOrdering
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s !== "" && (s.startsWith("-") ? s.slice(1) : s) in ordering);
    if (requested.length > 0) keys = requested;
  }
  let items: readonly T[] =
    source instanceof Collection
      ? source.ordered(keys, ordering)
      : keys.length > 0
        ? source.slice().sort(comparator(keys, ordering))
        : source;

  const errors: Record<string, string[]> = {};
  const tests: ((item: T) => boolean)[] = [];
  for (const name in spec.filters ?? {}) {
    const value = params.get(name);
    if (value === null || value === "") continue;
    const filter = (spec.filters as Record<string, FilterSpec<T>>)[name] as FilterSpec<T>;
    switch (filter.kind) {
      case "uuid": {
        if (!UUID_RE.test(value)) {
          errors[name] = ["Enter a valid UUID."];
          break;
        }
        const wanted = value.toLowerCase();
        tests.push((item) => {
          const got = filter.get(item);
          return Array.isArray(got) ? got.includes(wanted) : got === wanted;
        });
        break;
      }
      case "bool": {
        const wanted = parseBool(value);
        if (wanted !== null) tests.push((item) => filter.get(item) === wanted);
        break;
      }
      case "exact":
        tests.push((item) => filter.get(item) === value);
        break;
      case "int": {
        if (!/^-?\d+$/.test(value.trim())) {
          errors[name] = ["Enter a number."];
          break;
        }
        const n = Number.parseInt(value, 10);
        if (filter.op === "eq") tests.push((item) => filter.get(item) === n);
        else if (filter.op === "gte") tests.push((item) => filter.get(item) >= n);
        else tests.push((item) => filter.get(item) <= n);
        break;
      }
      case "custom":
        tests.push((item) => filter.test(item, value));
        break;
    }
  }
  if (Object.keys(errors).length > 0) throw fieldErrors(errors);

  const search = params.get("search");
  if (search && spec.search) {
    // SearchFilter: terms split on whitespace and commas, every term must match some field.
    const terms = search
      .toLowerCase()
      .split(/[\s,]+/)
      .filter((t) => t !== "");
    const haystack = spec.search;
    if (terms.length > 0) tests.push((item) => terms.every((t) => haystack(item).includes(t)));
  }
  if (tests.length > 0) items = items.filter((item) => tests.every((t) => t(item)));
  return items;
}
