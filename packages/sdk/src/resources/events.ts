import { type IterateOptions, iteratePages, type Page } from "../core/pagination.js";
import { data, Resource } from "../core/resource.js";
import type { RequestOptions } from "../core/transport.js";
import type { QueryOf, Schemas } from "../core/types.js";

export type Event = Schemas["Event"];
export type ListEventsQuery = QueryOf<"listEvents">;

export class Events extends Resource {
  /** One page of events, newest first unless `ordering` says otherwise: `listEvents`. */
  list(query: ListEventsQuery = {}, options?: RequestOptions): Promise<Page<Event>> {
    return data(
      this.http.GET("/api/events/events/", {
        params: { query: { ordering: "-added_at", ...query } },
        ...this.request(options),
      }),
    );
  }

  /** Free-text search over server, reporter, record and description: `listEvents` with `search`. */
  search(
    text: string,
    query: Omit<ListEventsQuery, "search"> = {},
    options?: RequestOptions,
  ): Promise<Page<Event>> {
    return this.list({ ...query, search: text }, options);
  }

  iterate(
    query: ListEventsQuery = {},
    options: IterateOptions & RequestOptions = {},
  ): AsyncGenerator<Event> {
    return iteratePages((page) => this.list(page, options), query, options);
  }

  /** `getEvent`. */
  get(id: string, options?: RequestOptions): Promise<Event> {
    return data(
      this.http.GET("/api/events/events/{id}/", {
        params: { path: { id } },
        ...this.request(options),
      }),
    );
  }
}
