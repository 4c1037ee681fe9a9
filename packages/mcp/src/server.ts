import type { AlpaconClient } from "@alpacon/sdk";
import { type AlpaconConfig, type LoadConfigOptions, loadConfig } from "@alpacon/sdk/node";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { CONFIRM_MODES, type ConfirmMode } from "./confirm.js";
import type { Runtime } from "./context.js";
import { AllowedRoots } from "./paths.js";
import { registerPrompts } from "./prompts.js";
import { registerTool } from "./register.js";
import { registerResources } from "./resources.js";
import { selectTools, type ToolSelection } from "./select-tools.js";
import { MCP_VERSION } from "./version.js";
import { type PoolOptions, WebshPool } from "./websh-pool.js";
import { type ClientOptions, Workspaces } from "./workspaces.js";

export interface AlpaconMcpServerOptions extends ToolSelection {
  /** A configuration from `loadConfig`; loaded from the environment and token file otherwise. */
  config?: AlpaconConfig | undefined;
  /** How to load the configuration when `config` and `clients` are not given. */
  load?: LoadConfigOptions | undefined;
  /** Ready-made SDK clients (each with workspace and region), instead of a configuration. */
  clients?: readonly AlpaconClient[] | undefined;
  /** Options for the clients the server creates (timeouts, fetch, logger). */
  clientOptions?: ClientOptions | undefined;
  /** How destructive calls are confirmed; default `elicit` (see confirm.ts). */
  confirm?: ConfirmMode | undefined;
  /** Local directories webftp tools may read and write; default the working directory. */
  allowDirs?: readonly string[] | undefined;
  /** Limits of the websh channel pool. */
  websh?: PoolOptions | undefined;
  /** Server name announced to clients, to tell several instances apart. Default `alpacon`. */
  name?: string | undefined;
}

const INSTRUCTIONS = `Alpacon manages servers: inventory, metrics, events, shells (websh), file transfers (webftp), commands and access (IAM).
Start with servers_list to get server ids; every server tool takes an id, not a name.
Every workspace tool takes optional workspace and region arguments; workspaces_list shows the configured ones.
Lists are paged: the result says which page to ask for next.
Tools that change or run things may ask the user to confirm first; a declined confirmation means: do not retry.
A command whose outcome is unknown (may_have_run) must not be resent blindly: check it with command_get.`;

/**
 * Builds an MCP server exposing Alpacon as tools, resources and prompts. Nothing happens until
 * it is connected to a transport; closing it closes the websh channels it holds.
 */
export function createAlpaconMcpServer(options: AlpaconMcpServerOptions = {}): McpServer {
  const confirm = options.confirm ?? "elicit";
  if (!CONFIRM_MODES.includes(confirm)) {
    throw new Error(`Unknown confirm mode "${confirm}". Valid modes: ${CONFIRM_MODES.join(", ")}.`);
  }
  const tools = selectTools(options);
  const workspaces = options.clients
    ? new Workspaces({ clients: options.clients }, options.clientOptions)
    : new Workspaces({ config: options.config ?? loadConfig(options.load) }, options.clientOptions);
  const runtime: Runtime = {
    workspaces,
    pool: new WebshPool(options.websh),
    roots: new AllowedRoots(options.allowDirs ?? [process.cwd()]),
  };

  const server = new McpServer(
    { name: options.name ?? "alpacon", title: "Alpacon", version: MCP_VERSION },
    {
      instructions: INSTRUCTIONS,
      capabilities: { tools: { listChanged: false }, resources: {}, prompts: {} },
    },
  );
  for (const tool of tools) registerTool(server, tool, runtime, confirm);
  registerResources(server, runtime);
  registerPrompts(server);

  const previous = server.server.onclose;
  server.server.onclose = () => {
    previous?.();
    void runtime.pool.closeAll();
    void runtime.workspaces.closeAll();
  };
  return server;
}
