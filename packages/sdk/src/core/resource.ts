import type { Client } from "openapi-fetch";
import type { paths } from "../generated/openapi.js";
import { InvalidResponseError } from "./errors.js";
import { createPolicyFetch, type RequestOptions, type TransportSettings } from "./transport.js";

export type Http = Client<paths>;

export interface ClientContext {
  http: Http;
  settings: TransportSettings;
}

/** Base of every resource: turns per-call options into openapi-fetch request options. */
export abstract class Resource {
  constructor(protected readonly context: ClientContext) {}

  protected get http(): Http {
    return this.context.http;
  }

  protected request(options: RequestOptions | undefined) {
    if (!options) return {};
    return {
      fetch: createPolicyFetch(this.context.settings, options),
      ...(options.signal ? { signal: options.signal } : {}),
    };
  }
}

/**
 * The policy fetch throws for every non-2xx answer, so a result that reaches a resource
 * always carries data (or nothing, for 204).
 */
export async function data<T>(call: Promise<{ data?: T; response: Response }>): Promise<T> {
  try {
    const result = await call;
    return result.data as T;
  } catch (error) {
    // A body labelled JSON (or not labelled) that does not parse: openapi-fetch's JSON.parse.
    if (error instanceof SyntaxError) throw new InvalidResponseError({ reason: error.message });
    throw error;
  }
}
