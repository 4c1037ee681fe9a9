import { type IterateOptions, iteratePages, type Page } from "../core/pagination.js";
import { data, Resource } from "../core/resource.js";
import type { RequestOptions } from "../core/transport.js";
import type { QueryOf, Schemas } from "../core/types.js";
import { mapPage, type ServerRef, toServerRef } from "./shapes.js";

/** An event; `server` holds only `id` when the API sent a bare UUID. */
export type Event = Omit<Schemas["Event"], "server"> & { server: ServerRef };

/** Reads an event in either foreign-key shape. */
export function toEvent(item: Schemas["Event"]): Event {
  return { ...item, server: toServerRef(item.server) };
}
export type ListEventsQuery = QueryOf<"listEvents">;

export class Events extends Resource {
  /** One page of events, newest first unless `ordering` says otherwise: `listEvents`. */
  async list(query: ListEventsQuery = {}, options?: RequestOptions): Promise<Page<Event>> {
    const page = await data(
      this.http.GET("/api/events/events/", {
        params: { query: { ordering: "-added_at", ...query } },
        ...this.request(options),
      }),
    );
    return mapPage(page, toEvent);
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
  async get(id: string, options?: RequestOptions): Promise<Event> {
    return toEvent(
      await data(
        this.http.GET("/api/events/events/{id}/", {
          params: { path: { id } },
          ...this.request(options),
        }),
      ),
    );
  }
}
