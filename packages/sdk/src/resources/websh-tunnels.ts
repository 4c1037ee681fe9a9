import { type IterateOptions, iteratePages, type Page } from "../core/pagination.js";
import { data, Resource } from "../core/resource.js";
import type { RequestOptions } from "../core/transport.js";
import type { QueryOf, Schemas } from "../core/types.js";

export type WebshTunnel = Schemas["WebshTunnel"];
export type WebshTunnelConnection = Schemas["WebshTunnelConnection"];
export type CreateWebshTunnelBody = Schemas["WebshTunnelCreateRequest"];
export type ListWebshTunnelsQuery = QueryOf<"listWebshTunnels">;

/**
 * TCP tunnel sessions (`alpacon tunnel`): the records only. Carrying the traffic means dialling
 * `websocket_url` and multiplexing TCP streams over it with smux, which this SDK does not do.
 */
export class WebshTunnels extends Resource {
  /** `listWebshTunnels`. */
  list(query: ListWebshTunnelsQuery = {}, options?: RequestOptions): Promise<Page<WebshTunnel>> {
    return data(
      this.http.GET("/api/websh/tunnels/", { params: { query }, ...this.request(options) }),
    );
  }

  iterate(
    query: ListWebshTunnelsQuery = {},
    options: IterateOptions & RequestOptions = {},
  ): AsyncGenerator<WebshTunnel> {
    return iteratePages((page) => this.list(page, options), query, options);
  }

  /** Opens a tunnel session to a server port and returns where to connect: `createWebshTunnel`. */
  create(body: CreateWebshTunnelBody, options?: RequestOptions): Promise<WebshTunnelConnection> {
    return data(this.http.POST("/api/websh/tunnels/", { body, ...this.request(options) }));
  }

  /** `closeWebshTunnel`. */
  close(id: string, options?: RequestOptions): Promise<WebshTunnel> {
    return data(
      this.http.POST("/api/websh/tunnels/{id}/close/", {
        params: { path: { id } },
        body: {},
        ...this.request(options),
      }),
    );
  }
}
