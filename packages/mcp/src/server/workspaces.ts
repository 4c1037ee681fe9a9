import { type AlpaconClient, type AlpaconClientOptions, ConfigError } from "@alpacon/sdk";
import {
  type AlpaconConfig,
  type ConfiguredWorkspace,
  clientFromConfig,
  removeToken,
  saveToken,
  selectWorkspace,
  type WorkspaceSelector,
} from "@alpacon/sdk/node";
import { MCP_VERSION } from "../version.js";
import { ToolError } from "./errors.js";

/** Options passed to every client the server creates (timeouts, a custom fetch, a logger …). */
export type ClientOptions = Omit<
  AlpaconClientOptions,
  "workspace" | "region" | "token" | "tokenProvider" | "baseUrl"
>;

export interface Target {
  workspace: string;
  region: string;
}

const EMBEDDED = "(clients passed to createAlpaconMcpServer)";

/**
 * The configured workspaces and one cached SDK client per (region, workspace). Built either from
 * a loaded configuration (the token file can then be edited by the auth tools) or from clients
 * an embedding application made itself.
 */
export class Workspaces {
  private readonly cache = new Map<string, AlpaconClient>();
  /**
   * What each selector a call passed resolved to, and the tokens to scrub: both follow from the
   * configuration alone, so they are worked out once per change of it (`replace`) rather than
   * on every tool call. A selector that fails is not kept: it fails again, with its message.
   */
  private chosen = new Map<string, { client: AlpaconClient; target: Target }>();
  private tokens: string[] | undefined;
  private readonly listeners = new Set<() => void>();
  private readonly config: AlpaconConfig;
  private readonly embedded: Map<string, AlpaconClient> | undefined;

  constructor(
    source: { config: AlpaconConfig } | { clients: readonly AlpaconClient[] },
    private readonly clientOptions: ClientOptions = {},
  ) {
    if ("config" in source) {
      // A copy: the auth tools change the list, and the caller's object stays as it was.
      this.config = { ...source.config, workspaces: [...source.config.workspaces] };
      this.embedded = undefined;
      return;
    }
    this.embedded = new Map();
    const workspaces: ConfiguredWorkspace[] = [];
    for (const client of source.clients) {
      if (!client.workspace || !client.region) {
        throw new ConfigError(
          "Every client passed to createAlpaconMcpServer needs its workspace and region set.",
        );
      }
      this.embedded.set(key(client), client);
      workspaces.push(entry(client.region, client.workspace, client.baseUrl, EMBEDDED, ""));
    }
    this.config = { configFile: EMBEDDED, workspaces };
  }

  /** The token file the auth tools write, or undefined when clients were passed in. */
  get configFile(): string | undefined {
    return this.embedded ? undefined : this.config.configFile;
  }

  list(): Array<Target & { url: string | undefined; tokenSource: string }> {
    return this.config.workspaces.map(({ workspace, region, url, tokenSource }) => ({
      workspace,
      region,
      url,
      tokenSource,
    }));
  }

  /** Calls `listener` after each change to the list (a token saved or removed). */
  onChange(listener: () => void): void {
    this.listeners.add(listener);
  }

  /** Picks one workspace; the SDK's error lists the configured ones when the choice is open. */
  select(selector: WorkspaceSelector): ConfiguredWorkspace {
    return selectWorkspace(this.config, selector);
  }

  client(selector: WorkspaceSelector): { client: AlpaconClient; target: Target } {
    const selectorKey = JSON.stringify([selector.region ?? null, selector.workspace ?? null]);
    const known = this.chosen.get(selectorKey);
    if (known) return known;
    const resolved = this.resolve(selector);
    this.chosen.set(selectorKey, resolved);
    return resolved;
  }

  private resolve(selector: WorkspaceSelector): { client: AlpaconClient; target: Target } {
    this.assertChosen(selector);
    const chosen = this.select(selector);
    const target = { workspace: chosen.workspace, region: chosen.region };
    const cacheKey = key(target);
    const embedded = this.embedded?.get(cacheKey);
    if (embedded) return { client: embedded, target };
    let client = this.cache.get(cacheKey);
    if (!client) {
      // The SDK's own configured-workspace client: token, URL and its Node transport choice.
      client = clientFromConfig({
        userAgent: `alpacon-mcp/${MCP_VERSION}`,
        ...this.clientOptions,
        config: this.config,
        ...target,
      });
      this.cache.set(cacheKey, client);
    }
    return { client, target };
  }

  /**
   * Holds a call to what tools/list says (tool-list.ts `workspaceArguments`): with several
   * workspace names configured `workspace` is required, and a name configured in several
   * regions needs `region`. The answer names the values to pass, never a configuration fix.
   */
  private assertChosen(selector: WorkspaceSelector): void {
    const configured = this.config.workspaces;
    if (configured.length === 0) return; // the SDK's error says how to add a token
    const names = [...new Set(configured.map((item) => item.workspace))].sort();
    if (selector.workspace === undefined) {
      if (names.length > 1) {
        throw new ToolError(
          `several workspaces are configured (${names.join(", ")}) and the call names none`,
          `Pass workspace: one of ${names.join(", ")}`,
        );
      }
    } else if (!names.includes(selector.workspace)) {
      throw new ToolError(
        `workspace ${selector.workspace} is not configured in this server`,
        `Pass workspace: one of ${names.join(", ")}; to add another, save its token with \`alpacon-mcp auth set\` in a terminal`,
      );
    }
    const workspace = selector.workspace ?? names[0]!;
    const regions = configured
      .filter((item) => item.workspace === workspace)
      .map((item) => item.region)
      .sort();
    if (selector.region === undefined && regions.length > 1) {
      throw new ToolError(
        `workspace ${workspace} is configured in several regions (${regions.join(", ")})`,
        `Pass region: one of ${regions.join(", ")}`,
      );
    }
    if (selector.region !== undefined && !regions.includes(selector.region)) {
      throw new ToolError(
        `workspace ${workspace} is not configured in region ${selector.region}`,
        `Pass region: one of ${regions.join(", ")}`,
      );
    }
  }

  /** Closes the websh sessions the clients made here keep for `websh.exec` (server shutdown). */
  async closeAll(): Promise<void> {
    await Promise.all([...this.cache.values()].map((client) => client.websh.closeAll()));
  }

  /** Every token value in use, so messages can be scrubbed of them (see errors.ts). */
  secrets(): string[] {
    this.tokens ??= this.config.workspaces
      .map((item) => item.token)
      .filter((token) => token.length >= 8);
    return this.tokens;
  }

  /**
   * Saves a token to the token file (atomic, mode 0600, via the SDK) and uses it from the next
   * call on. A base URL already configured for the workspace is kept.
   */
  async setToken(
    target: Target,
    token: string,
  ): Promise<{ replaced: boolean; configFile: string; overriddenBy: string | undefined }> {
    const configFile = this.writableFile();
    const existing = this.find(target);
    await saveToken({ ...target, token, url: existing?.url, configFile });
    this.replace(target, entry(target.region, target.workspace, existing?.url, configFile, token));
    return { replaced: existing !== undefined, configFile, overriddenBy: envSource(existing) };
  }

  async removeToken(
    target: Target,
  ): Promise<{ removedFromFile: boolean; configFile: string; stillSetBy: string | undefined }> {
    const configFile = this.writableFile();
    const existing = this.find(target);
    const removedFromFile = await removeToken({ ...target, configFile });
    this.replace(target, undefined);
    return { removedFromFile, configFile, stillSetBy: envSource(existing) };
  }

  private writableFile(): string {
    if (this.embedded) {
      throw new ConfigError(
        "This server was given ready-made clients, so it has no token file: the application that embeds it manages tokens.",
      );
    }
    return this.config.configFile;
  }

  private find(target: Target): ConfiguredWorkspace | undefined {
    return this.config.workspaces.find(
      (item) => item.workspace === target.workspace && item.region === target.region,
    );
  }

  private replace(target: Target, next: ConfiguredWorkspace | undefined): void {
    // The old client's websh sessions were opened with the old token: close them.
    void this.cache.get(key(target))?.websh.closeAll();
    this.cache.delete(key(target));
    const rest = this.config.workspaces.filter(
      (item) => item.workspace !== target.workspace || item.region !== target.region,
    );
    this.config.workspaces = next ? [...rest, next] : rest;
    this.chosen = new Map();
    this.tokens = undefined;
    for (const listener of this.listeners) listener();
  }
}

function key(target: { workspace?: string | undefined; region?: string | undefined }): string {
  return `${target.region}/${target.workspace}`;
}

// The SDK keeps tokens non-enumerable so that logging a configuration never shows them.
function entry(
  region: string,
  workspace: string,
  url: string | undefined,
  tokenSource: string,
  token: string,
): ConfiguredWorkspace {
  const value = { region, workspace, url, tokenSource };
  Object.defineProperty(value, "token", { value: token, enumerable: false });
  return value as ConfiguredWorkspace;
}

function envSource(existing: ConfiguredWorkspace | undefined): string | undefined {
  return existing?.tokenSource.startsWith("ALPACON_MCP_") ? existing.tokenSource : undefined;
}
