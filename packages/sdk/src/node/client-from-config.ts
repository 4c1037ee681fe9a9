import { type AlpaconClient, type AlpaconClientOptions, createAlpaconClient } from "../client.js";
import {
  type AlpaconConfig,
  type LoadConfigOptions,
  loadConfig,
  selectWorkspace,
  type WorkspaceSelector,
} from "./config/index.js";
import { nodeTransport } from "./transport.js";

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
    // A custom fetch or transport (tests, proxies) is used for everything; otherwise Node's,
    // far cheaper per API call than Node's fetch (bench/README, B2).
    ...(clientOptions.fetch || clientOptions.transport ? {} : { transport: nodeTransport }),
    ...clientOptions,
    workspace: entry.workspace,
    region: entry.region,
    token: entry.token,
    baseUrl: clientOptions.baseUrl ?? entry.url,
  });
}
