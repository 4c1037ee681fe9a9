import { type IterateOptions, iteratePages, type Page } from "../core/pagination.js";
import { data, Resource } from "../core/resource.js";
import type { RequestOptions } from "../core/transport.js";
import type { QueryOf, Schemas } from "../core/types.js";

export type Server = Schemas["Server"];
export type ListServersQuery = QueryOf<"listServers">;

export class Servers extends Resource {
  /** One page of servers: `listServers`. */
  list(query: ListServersQuery = {}, options?: RequestOptions): Promise<Page<Server>> {
    return data(
      this.http.GET("/api/servers/servers/", { params: { query }, ...this.request(options) }),
    );
  }

  /** Every server matching the query, fetched page by page. */
  iterate(
    query: ListServersQuery = {},
    options: IterateOptions & RequestOptions = {},
  ): AsyncGenerator<Server> {
    return iteratePages((page) => this.list(page, options), query, options);
  }

  /** One server by id: `getServer`. */
  get(id: string, options?: RequestOptions): Promise<Server> {
    return data(
      this.http.GET("/api/servers/servers/{id}/", {
        params: { path: { id } },
        ...this.request(options),
      }),
    );
  }
}
