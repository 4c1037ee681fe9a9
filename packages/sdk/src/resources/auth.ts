import { data, Resource } from "../core/resource.js";
import type { RequestOptions } from "../core/transport.js";
import type { Schemas } from "../core/types.js";

export class Auth extends Resource {
  /** Answers `{status: "Good"}` when the token is valid: `getStatus`. The cheapest token check. */
  status(options?: RequestOptions): Promise<Schemas["Status"]> {
    return data(this.http.GET("/api/status/", this.request(options)));
  }
}
