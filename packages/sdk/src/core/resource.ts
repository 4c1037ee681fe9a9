import type { Http } from "./http.js";
import type { RequestOptions, TransportSettings } from "./transport.js";

export type { Http } from "./http.js";

export interface ClientContext {
  http: Http;
  settings: TransportSettings;
}

/** Base of every resource: passes per-call options on to the typed request. */
export abstract class Resource {
  constructor(protected readonly context: ClientContext) {}

  protected get http(): Http {
    return this.context.http;
  }

  protected request(options: RequestOptions | undefined): { options?: RequestOptions } {
    return options ? { options } : {};
  }
}

/**
 * The request layer throws for every non-2xx answer and for an answer that is not JSON, so a
 * result that reaches a resource always carries data (or nothing, for 204).
 */
export async function data<T>(call: Promise<{ data?: T }>): Promise<T> {
  return (await call).data as T;
}
