import { type AlpaconClient, type AlpaconClientOptions, createAlpaconClient } from "../client.js";
import { nodeApiFetch } from "./api-fetch.js";
import {
  type AlpaconConfig,
  type LoadConfigOptions,
  loadConfig,
  selectWorkspace,
  type WorkspaceSelector,
} from "./config.js";

export interface ClientFromConfigOptions
  extends WorkspaceSelector,
    Omit<AlpaconClientOptions, "workspace" | "region" | "token" | "tokenProvider"> {
  /** A configuration already loaded; read from the environment and token file otherwise. */
  config?: AlpaconConfig | undefined;
  load?: LoadConfigOptions | undefined;
}

/** A client for one configured workspace; explicit `baseUrl` wins over the configured URL. */
export function clientFromConfig(options: ClientFromConfigOptions = {}): AlpaconClient {
  const {
    config = loadConfig(options.load),
    load: _load,
    workspace,
    region,
    ...clientOptions
  } = options;
  const entry = selectWorkspace(config, { workspace, region });
  return createAlpaconClient({
    // A custom fetch (tests, proxies) is used for everything; otherwise API calls go over
    // node:http, a third of the CPU of Node's fetch per request.
    ...(clientOptions.fetch ? {} : { apiFetch: nodeApiFetch }),
    ...clientOptions,
    workspace: entry.workspace,
    region: entry.region,
    token: entry.token,
    baseUrl: clientOptions.baseUrl ?? entry.url,
  });
}
